/** The table for people: one block per benchmark, in the order they ran. */
import type { runAgent } from "./agent.ts";
import type { runIntake } from "./intake.ts";
import type { runLatency } from "./latency.ts";
import type { machine } from "./lib/machine.ts";
import { show, table } from "./lib/table.ts";
import type { runPools } from "./pools.ts";
import type { runScheduling } from "./scheduling.ts";
import type { runSignature } from "./signature.ts";

type Result<F extends (...a: never[]) => unknown> = Awaited<ReturnType<F>>;
/** A benchmark's figures and how long it took, or why it failed. */
export type Outcome<T> = (T & { seconds: number }) | { error: string };

export interface Report {
  schema: 1;
  command: string;
  startedAt: string;
  durationSeconds: number;
  machine: ReturnType<typeof machine> & { load1AtStart: number; load1AtEnd: number };
  intake?: Outcome<Result<typeof runIntake>>;
  signature?: Outcome<Result<typeof runSignature>>;
  scheduling?: Outcome<{ variants: Result<typeof runScheduling>[] }>;
  latency?: Outcome<{ variants: Result<typeof runLatency>[] }>;
  agent?: Outcome<Result<typeof runAgent>>;
  pools?: Outcome<Result<typeof runPools>>;
}

function intake(s: Result<typeof runIntake>): string {
  return [
    `Intake — signed workflow_job "queued" webhooks over loopback HTTP, concurrency ${s.concurrency}, ${show(s.requestsPerVariant)} per variant (${s.rounds} interleaved rounds)`,
    table(
      ["variant", "what", "req/s", "p50 ms", "p99 ms", "vs ceiling", "errors"],
      s.variants.map((v) => [
        v.variant,
        v.what,
        v.requestsPerSecond,
        v.p50Ms,
        v.p99Ms,
        v.ratioToCeiling,
        v.errors,
      ]),
    ),
  ].join("\n");
}

function signature(s: Result<typeof runSignature>): string {
  return `Signature verification — ${show(s.payloadBytes)} B payload: ${show(s.verificationsPerSecond)} verifications/s (${s.microsecondsEach} µs each, ${show(s.verifications)} verified)`;
}

function scheduling(s: { variants: Result<typeof runScheduling>[] }): string {
  const first = s.variants[0];
  return [
    `Scheduling burst — ${first?.jobs} jobs of ${first?.specs} specs queued at once, one scheduler, batch window ${first?.batchWindowMs} ms, instant instances`,
    table(
      [
        "variant",
        "all launched s",
        "last launch call s",
        "launch calls",
        "jobs/call",
        "largest call",
      ],
      s.variants.map((v) => [
        v.variant,
        v.secondsUntilAllLaunched,
        v.secondsUntilLastLaunchCall,
        v.launchCalls,
        v.jobsPerCall,
        v.largestCall,
      ]),
    ),
    ...s.variants.flatMap((v) => (v.problems ? [`  ${v.variant}: ${v.problems.join("; ")}`] : [])),
  ].join("\n");
}

function latency(s: { variants: Result<typeof runLatency>[] }): string {
  const first = s.variants[0];
  return [
    `Webhook → launch call — ${first?.targetJobsPerSecond} jobs/s for ${first ? first.jobs / first.targetJobsPerSecond : "?"} s, batch window ${first?.batchWindowMs} ms (included)`,
    table(
      [
        "variant",
        "p50 ms",
        "p99 ms",
        "max ms",
        "launched",
        "sent/s",
        "ack p50 ms",
        "ack p99 ms",
        "launch calls",
      ],
      s.variants.map((v) => [
        v.variant,
        v.p50Ms,
        v.p99Ms,
        v.maxMs,
        `${v.launched}/${v.jobs}`,
        v.achievedJobsPerSecond,
        v.webhookAckP50Ms,
        v.webhookAckP99Ms,
        v.launchCalls,
      ]),
    ),
    ...s.variants.flatMap((v) => (v.problems ? [`  ${v.variant}: ${v.problems.join("; ")}`] : [])),
  ].join("\n");
}

function agent(s: Result<typeof runAgent>): string {
  if ("skipped" in s) return `Agent — skipped: ${s.skipped}`;
  const st = s.startToFirstHeartbeatMs;
  const rss = s.idleSupervisingRssMiB;
  return [
    `Agent — compiled ${s.binary} ${s.version}${s.builtNow ? " (built for this run)" : ""}`,
    `  start → first heartbeat on the queue: ${show(st.median)} ms (median of ${st.measured}; ${show(st.min)}–${show(st.max)})`,
    `  resident memory, idle-supervising a dry-run job: ${rss ? `${show(rss.median)} MiB (max ${show(rss.max)})` : "—"}`,
  ].join("\n");
}

function pools(s: Result<typeof runPools>): string {
  return [
    `Warm pools — webhook → job started, local mode, real agents (${s.jobs} jobs each, one at a time)`,
    ...s.variants.map(
      (v) =>
        `  ${v.variant}: ${show(v.medianMs)} ms median (${show(v.minMs)}–${show(v.maxMs)}; ${v.measured} measured), of which webhook → assigned ${show(v.launchedMedianMs)} ms`,
    ),
    ...(s.problems ? [`  problems: ${s.problems.join("; ")}`] : []),
  ].join("\n");
}

/** One block, or the reason the benchmark failed. */
function block<T>(name: string, s: Outcome<T> | undefined, draw: (s: T) => string): string[] {
  if (s === undefined) return [];
  return ["", "error" in s ? `${name}: failed: ${s.error}` : draw(s)];
}

/** The whole report as text. */
export function render(r: Report): string {
  const m = r.machine;
  return `${[
    `runs-fleet benchmarks — ${r.startedAt}, ${r.durationSeconds} s`,
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os} · Node ${m.node} · Bun ${m.bun ?? "—"} · Deno ${m.deno ?? "—"} · load ${m.load1AtStart} → ${m.load1AtEnd}${m.commit ? ` · commit ${m.commit}` : ""}`,
    ...block("intake", r.intake, intake),
    ...block("signature", r.signature, signature),
    ...block("scheduling", r.scheduling, scheduling),
    ...block("latency", r.latency, latency),
    ...block("agent", r.agent, agent),
    ...block("pools", r.pools, pools),
  ].join("\n")}\n`;
}
