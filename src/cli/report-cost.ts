import { parseArgs } from "node:util";
import * as v from "valibot";
import type { CommandResult } from "./explain.ts";
import { adminApiFrom } from "./instance-lookup.ts";

/** What `report cost` needs from outside: the environment and the network. */
export interface ReportDeps {
  env: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
}

const fail = (message: string, exitCode: 1 | 2 = 1): CommandResult => ({
  exitCode,
  stdout: "",
  stderr: `runs-fleet: ${message}\n`,
});

/** True for a calendar day written YYYY-MM-DD that exists (`2026-02-30` does not). */
function isDay(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const t = Date.parse(`${date}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().startsWith(date);
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      date: { type: "string" },
      json: { type: "boolean" },
      url: { type: "string" },
      token: { type: "string" },
    },
  });
}

const RefusalSchema = v.object({ error: v.string() });

/** The admin API's own words for a refusal (`{"error": …}`). */
async function refusal(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return "no details given";
  }
  const body = v.safeParse(RefusalSchema, raw);
  return body.success ? body.output.error : "no details given";
}

/**
 * `runs-fleet report cost [--date YYYY-MM-DD] [--json]`: the day's cost report from the admin
 * API (built on demand there; nothing is stored or sent), printed as markdown or JSON.
 */
export async function reportCommand(
  argv: readonly string[],
  deps: ReportDeps,
): Promise<CommandResult> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err), 2);
  }
  const { values, positionals } = parsed;
  const [kind, ...extra] = positionals;
  if (kind !== "cost" || extra.length > 0)
    return fail(`report needs a kind: "report cost" (got "${positionals.join(" ")}")`, 2);
  if (values.date !== undefined && !isDay(values.date))
    return fail(`--date must be a day written YYYY-MM-DD (got "${values.date}")`, 2);
  const api = adminApiFrom(values, deps.env, deps.fetch);
  if (typeof api === "string") return fail(api, 2);
  const { url: base, token } = api;
  const query = new URLSearchParams({
    ...(values.date ? { date: values.date } : {}),
    ...(values.json ? { format: "json" } : {}),
  });
  const url = `${base.replace(/\/+$/, "")}/api/reports/cost${query.size > 0 ? `?${query}` : ""}`;
  let res: Response;
  try {
    res = await (api.fetch ?? fetch)(url, { headers: { authorization: `Bearer ${token}` } });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return fail(`cannot reach the admin API at ${base}: ${why}`);
  }
  if (res.status === 401)
    return fail("the admin API refused the token (RUNS_FLEET_ADMIN_TOKEN or --token)", 2);
  if (res.status === 404)
    return fail(`the admin API at ${base} has no cost report (is it runs-fleet, and recent?)`);
  if (res.status === 400)
    return fail(`the admin API refused the request: ${await refusal(res)}`, 2);
  if (!res.ok)
    return fail(`the admin API answered ${res.status} for the cost report: ${await refusal(res)}`);
  const text = await res.text();
  return { exitCode: 0, stdout: text.endsWith("\n") ? text : `${text}\n`, stderr: "" };
}
