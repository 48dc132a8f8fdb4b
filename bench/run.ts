/**
 * `npm run bench`: every benchmark in one run, figures side by side, so ratios hold on a noisy
 * machine. Prints a table (or JSON with `--json`) and writes bench/results.json. A figure that
 * could not be measured fails the run (exit 1, each one named) and leaves results.json alone.
 *
 *   npm run bench                          everything (about two minutes)
 *   npm run bench -- --json                the same as JSON on stdout
 *   npm run bench -- --only intake,agent   a subset; bench/results.json is left alone
 *
 * Load goes to loopback addresses only; every loop is bounded in count and time.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runAgent } from "./agent.ts";
import { runIntake } from "./intake.ts";
import { runLatency } from "./latency.ts";
import { load1, machine } from "./lib/machine.ts";
import { unmeasured } from "./lib/unmeasured.ts";
import { runPools } from "./pools.ts";
import { type Report, render } from "./report.ts";
import { runScheduling } from "./scheduling.ts";
import { runSignature } from "./signature.ts";

const sections = {
  intake: () => runIntake(),
  signature: () => runSignature(),
  scheduling: async () => ({
    variants: [await runScheduling("memory"), await runScheduling("local")],
  }),
  latency: async () => ({ variants: [await runLatency("memory"), await runLatency("local")] }),
  agent: () => runAgent(),
  pools: () => runPools(),
};
type Section = keyof typeof sections;

/** The whole run must end inside five minutes; this ends it if something hangs. */
const WATCHDOG_MS = 300_000;

function parseArgs(argv: string[]): { json: boolean; only: Section[] | null } {
  const json = argv.includes("--json");
  const i = argv.indexOf("--only");
  if (i === -1) return { json, only: null };
  const names = (argv[i + 1] ?? "").split(",").filter(Boolean);
  const unknown = names.filter((n) => !(n in sections));
  if (names.length === 0 || unknown.length > 0) {
    console.error(`--only takes a comma-separated list of ${Object.keys(sections).join(", ")}`);
    process.exit(2);
  }
  return { json, only: names as Section[] };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  // The SDK's notice about future Node versions says nothing about these figures; keep it out
  // of the output (the benchmark's servers inherit this).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${WATCHDOG_MS / 1000} s; giving up`);
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();

  const started = new Date();
  const t0 = performance.now();
  const loadAtStart = load1();
  const results: Partial<Report> = {};
  for (const name of args.only ?? (Object.keys(sections) as Section[])) {
    if (!args.json) console.error(`bench: ${name}…`);
    const s0 = performance.now();
    try {
      const figures = await sections[name]();
      const seconds = Math.round((performance.now() - s0) / 100) / 10;
      Object.assign(results, { [name]: { ...figures, seconds } });
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      Object.assign(results, { [name]: { error } });
    }
  }
  const report: Report = {
    schema: 1,
    command: "npm run bench",
    startedAt: started.toISOString(),
    durationSeconds: Math.round((performance.now() - t0) / 1000),
    machine: { ...machine(), load1AtStart: loadAtStart, load1AtEnd: load1() },
    ...results,
  };
  const json = `${JSON.stringify(report, null, 2)}\n`;
  // Every figure is checked, not only the sections that threw: a benchmark that ran but
  // measured nothing (a null percentile, jobs that never launched) fails the run too.
  const missing = unmeasured(results);
  const ok = missing.length === 0;
  // results.json holds the last run that measured everything; a failed run never replaces it.
  const write = ok && !args.only;
  if (write) await writeFile(join(import.meta.dirname, "results.json"), json);
  process.stdout.write(args.json ? json : render(report));
  if (!ok) {
    console.error(
      `bench: ${missing.length} figure(s) could not be measured:\n${missing.map((m) => `  ${m}`).join("\n")}`,
    );
  }
  if (!args.json || !ok) {
    console.error(
      write
        ? "bench: wrote bench/results.json"
        : args.only
          ? "bench: partial run; bench/results.json left as it was"
          : "bench: run failed; bench/results.json left as it was",
    );
  }
  // SDK clients and emulators may keep sockets open; the run is over.
  process.exit(ok ? 0 : 1);
}

await main();
