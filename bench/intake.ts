/**
 * Intake throughput: signed `workflow_job queued` webhooks through the whole path (verify,
 * parse, resolve labels, conditional write, enqueue) at a fixed concurrency, for three servers
 * side by side. Rounds alternate between the servers so a noisy neighbour hits all of them alike.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import * as v from "valibot";
import { type Answer, closedLoop, outcomeOf } from "./lib/http-load.ts";
import { percentile, round } from "./lib/stats.ts";
import { queuedDeliveries } from "./lib/webhooks.ts";

const VARIANTS = [
  { name: "ceiling", what: "bare Hono handler answering 202" },
  { name: "memory", what: "intake on in-memory ports" },
  { name: "local", what: "intake in local mode (dynalite + fauxqs)" },
] as const;

export interface IntakeOptions {
  requests: number;
  concurrency: number;
  rounds: number;
  warmup: number;
  /** Longest one variant may take in one round. */
  roundDeadlineMs: number;
}

export const intakeDefaults: IntakeOptions = {
  requests: 3000,
  concurrency: 32,
  rounds: 3,
  warmup: 200,
  roundDeadlineMs: 40_000,
};

const Ready = v.object({ port: v.number() });

interface Server {
  child: ChildProcess;
  url: URL;
}

async function startServer(kind: string): Promise<Server> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/intake-server.ts", kind], {
    stdio: ["ignore", "pipe", "pipe"],
    env: process.env,
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${kind} server did not start:\n${stderr}`)),
      60_000,
    );
    child.once("exit", (code) => reject(new Error(`${kind} server exited (${code}):\n${stderr}`)));
    lines.once("line", (line) => {
      clearTimeout(timer);
      let said: unknown;
      try {
        said = JSON.parse(line);
      } catch {
        said = line;
      }
      const ready = v.safeParse(Ready, said);
      if (ready.success) resolve(ready.output.port);
      else reject(new Error(`${kind} server said ${line}`));
    });
  });
  return { child, url: new URL(`http://127.0.0.1:${port}/webhook`) };
}

async function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = new Promise<void>((r) => s.child.once("exit", () => r()));
  s.child.kill("SIGTERM");
  const timer = setTimeout(() => s.child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** What a variant's answers prove: the intake said `queued` (the write and send happened). */
function accepted(kind: string, a: Answer): boolean {
  if (a.status !== 202) return false;
  if (kind === "ceiling") return true;
  return outcomeOf(a.body) === "queued";
}

export async function runIntake(options: IntakeOptions = intakeDefaults) {
  const servers = new Map<string, Server>();
  try {
    for (const v of VARIANTS) servers.set(v.name, await startServer(v.name));
    const perRound = Math.ceil(options.requests / options.rounds);
    const tally = new Map(
      VARIANTS.map((v) => [v.name, { latencies: [] as number[], elapsedMs: 0, ok: 0, bad: 0 }]),
    );
    for (const v of VARIANTS) {
      const s = servers.get(v.name)!;
      await closedLoop(s.url, await queuedDeliveries(options.warmup), options.concurrency, 30_000);
    }
    for (let r = 0; r < options.rounds; r++) {
      for (const v of VARIANTS) {
        const s = servers.get(v.name)!;
        const deliveries = await queuedDeliveries(perRound);
        const res = await closedLoop(
          s.url,
          deliveries,
          options.concurrency,
          options.roundDeadlineMs,
        );
        const t = tally.get(v.name)!;
        t.elapsedMs += res.elapsedMs;
        for (const a of res.answers) {
          if (accepted(v.name, a)) {
            t.ok++;
            t.latencies.push(a.latencyMs);
          } else t.bad++;
        }
        t.bad += res.failures.length;
      }
    }
    const rows = VARIANTS.map((v) => {
      const t = tally.get(v.name)!;
      return {
        variant: v.name,
        what: v.what,
        requests: t.ok + t.bad,
        errors: t.bad,
        requestsPerSecond: t.ok / (t.elapsedMs / 1000),
        p50Ms: percentile(t.latencies, 50),
        p99Ms: percentile(t.latencies, 99),
      };
    });
    const ceiling = rows[0]?.requestsPerSecond ?? Number.NaN;
    return {
      concurrency: options.concurrency,
      requestsPerVariant: options.requests,
      rounds: options.rounds,
      variants: rows.map((row) => ({
        ...row,
        requestsPerSecond: round(row.requestsPerSecond, 0),
        p50Ms: round(row.p50Ms, 2),
        p99Ms: round(row.p99Ms, 2),
        ratioToCeiling: round(row.requestsPerSecond / ceiling, 3),
      })),
    };
  } finally {
    await Promise.all([...servers.values()].map(stopServer));
  }
}
