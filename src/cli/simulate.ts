import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { type PolicyName, policyNames } from "../sim/policies.ts";
import { formatPoolSizes } from "../sim/pool-sizing.ts";
import { simulate } from "../sim/simulate.ts";
import { formatTable } from "../sim/summary.ts";
import { parseTrace, profiles } from "../sim/workload.ts";
import type { CommandResult } from "./explain.ts";

/** `runs-fleet simulate`'s help. */
export const simulateUsage = `usage: runs-fleet simulate [--profile P | --trace FILE] [--days N] [--seed S] [--json]

Runs the control plane's own services on in-memory stores, a virtual clock and a simulated EC2
(boot times, spot interruptions with a bad instance type, capacity errors, per-second billing)
and compares policies on the same workload: cost, the same minutes on GitHub-hosted runners,
queue wait, interruptions, churn, failed and lost jobs.

options:
  --profile P          small-team (100 jobs/day) or busy-org (5,000 jobs/day) (default small-team)
  --trace FILE         replay a CSV trace instead: queued_at,duration_seconds,labels
                       (ISO time or epoch seconds; several labels separated by ;)
  --days N             simulated days of a profile, 1–31 (default 7)
  --seed S             the seed of every random choice (default 1); same seed, same numbers
  --policies LIST      comma-separated, of ${policyNames.join(", ")} (default all)
  --no-bad-type        no instance type is reclaimed more than the others
  --threads N          policies run side by side on N worker threads, 1–8 (default 2)
  --wait-target S      p95 queue wait, 5–3600 seconds, the recommended pool sizes per hour keep
                       pooled jobs under; breaker-pools runs with them (default 60)
  --json               print JSON: {"profile","days","seed","policies":[…]}
  -h, --help           show this help

exit status: 0 when every policy lost no job, 1 when one lost any, 2 when the command line or
the trace is wrong
`;

const fail = (message: string): CommandResult => ({
  exitCode: 2,
  stdout: "",
  stderr: `runs-fleet simulate: ${message}\n\n${simulateUsage}`,
});

/** Runs `runs-fleet simulate` with its arguments (after the command name). */
export async function simulateCommand(
  argv: readonly string[],
  deps: { readTextFile?(path: string): Promise<string> } = {},
): Promise<CommandResult> {
  let values: ReturnType<typeof parse>["values"];
  try {
    ({ values } = parse(argv));
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return { exitCode: 0, stdout: simulateUsage, stderr: "" };
  const days = Number(values.days ?? 7);
  if (!Number.isInteger(days) || days < 1 || days > 31)
    return fail("--days must be a whole number 1–31");
  const seed = Number(values.seed ?? 1);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    return fail("--seed must be a whole number 0–4294967295");
  const threads = Number(values.threads ?? 2);
  if (!Number.isInteger(threads) || threads < 1 || threads > 8)
    return fail("--threads must be a whole number 1–8");
  const waitTarget = Number(values["wait-target"] ?? 60);
  if (!Number.isInteger(waitTarget) || waitTarget < 5 || waitTarget > 3600)
    return fail("--wait-target must be a whole number of seconds 5–3600");
  const asked = (values.policies ?? policyNames.join(",")).split(",").map((p) => p.trim());
  const unknown = asked.filter((p) => !(policyNames as readonly string[]).includes(p));
  if (unknown.length > 0)
    return fail(`unknown policy "${unknown[0]}": one of ${policyNames.join(", ")}`);
  if (values.profile !== undefined && values.trace !== undefined)
    return fail("give --profile or --trace, not both");

  let workload: Parameters<typeof simulate>[0]["workload"];
  if (values.trace !== undefined) {
    let text: string;
    try {
      text = await (deps.readTextFile ?? ((p) => readFile(p, "utf8")))(values.trace);
    } catch (err) {
      return fail(`cannot read ${values.trace}: ${err instanceof Error ? err.message : err}`);
    }
    const trace = parseTrace(text);
    if (!trace.ok) return fail(`${values.trace}: ${trace.problems.slice(0, 10).join("; ")}`);
    workload = { name: `trace ${values.trace}`, items: trace.items };
  } else {
    const profile = profiles[values.profile ?? "small-team"];
    if (!profile)
      return fail(
        `unknown profile "${values.profile}": one of ${Object.keys(profiles).join(", ")}`,
      );
    workload = { profile };
  }
  const report = await simulate({
    seed,
    days,
    policies: asked as PolicyName[],
    workload,
    badType: !values["no-bad-type"],
    threads,
    waitTargetSeconds: waitTarget,
  });
  const lost = report.policies.some((p) => p.lost > 0);
  const stdout = values.json
    ? `${JSON.stringify(report, null, 2)}\n`
    : `${formatTable(report, report.policies)}bad type: ${report.badType ?? "none"}\n${formatPoolSizes(report.pool)}`;
  return { exitCode: lost ? 1 : 0, stdout, stderr: "" };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      profile: { type: "string" },
      trace: { type: "string" },
      days: { type: "string" },
      seed: { type: "string" },
      policies: { type: "string" },
      "no-bad-type": { type: "boolean" },
      threads: { type: "string" },
      "wait-target": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}
