/**
 * Webhook → launch latency: signed webhooks arrive over loopback HTTP at a steady rate while the
 * scheduler runs as its loop does in production; for each job, the time from the webhook being
 * sent (on loopback, its arrival on the server's socket) to the compute launch call that
 * carries it. Taken at the sender, so time a busy server leaves a request unread counts too.
 * The batch window (jobs of one placement wait for each other to share a launch call) is part of
 * that time on purpose.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { countingCompute } from "./lib/counting-compute.ts";
import { type Answer, assertLoopback, loopbackAgent, post } from "./lib/http-load.ts";
import { buildPlane, type PlaneKind } from "./lib/planes.ts";
import { percentile, round, sleep } from "./lib/stats.ts";
import { queuedDeliveries } from "./lib/webhooks.ts";

export interface LatencyOptions {
  jobsPerSecond: number;
  seconds: number;
  batchWindowMs: number;
  /** How long to wait after the last webhook for its launch. */
  tailMs: number;
}

export const latencyDefaults: LatencyOptions = {
  jobsPerSecond: 20,
  seconds: 15,
  batchWindowMs: 500,
  tailMs: 20_000,
};

export async function runLatency(kind: PlaneKind, options = latencyDefaults) {
  const compute = countingCompute();
  const built = await buildPlane(kind, { compute, batchWindowMs: options.batchWindowMs });
  const sentAt = new Map<string, number>();
  const deliveries = await queuedDeliveries(options.jobsPerSecond * options.seconds);
  const server = serve({ hostname: "127.0.0.1", port: 0, fetch: built.plane.app.fetch });
  await new Promise<void>((r) => server.once("listening", () => r()));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`);
  assertLoopback(url);

  const stop = new AbortController();
  const loop = built.plane.scheduler.drain({
    budgetMs: (options.seconds + 60) * 1000,
    untilEmpty: false,
    waitSeconds: 1,
    signal: stop.signal,
  });
  const agent = loopbackAgent(32);
  try {
    const interval = 1000 / options.jobsPerSecond;
    const sent: Promise<Answer | null>[] = [];
    const start = performance.now();
    for (let i = 0; i < deliveries.length; i++) {
      const wait = start + i * interval - performance.now();
      if (wait > 0) await sleep(wait);
      const d = deliveries[i]!;
      sentAt.set(d.jobId, performance.now());
      sent.push(post(agent, url, d).catch(() => null));
    }
    const answers = await Promise.all(sent);
    const sendSeconds = (performance.now() - start) / 1000;
    const tailEnd = performance.now() + options.tailMs;
    while (compute.launchedAt.size < deliveries.length && performance.now() < tailEnd)
      await sleep(50);

    const latencies: number[] = [];
    for (const d of deliveries) {
      const arrived = sentAt.get(d.jobId);
      const launched = compute.launchedAt.get(d.jobId);
      if (arrived !== undefined && launched !== undefined) latencies.push(launched - arrived);
    }
    const acks = answers.filter((a): a is Answer => a?.status === 202).map((a) => a.latencyMs);
    // A job with no figure is a hole in the percentiles, not a smaller sample: say so.
    const problems: string[] = [];
    if (latencies.length < deliveries.length)
      problems.push(
        `${deliveries.length - latencies.length} of ${deliveries.length} jobs reached no launch call within ${options.tailMs} ms of the last webhook`,
      );
    if (acks.length < deliveries.length)
      problems.push(
        `${deliveries.length - acks.length} of ${deliveries.length} webhooks not answered 202`,
      );
    return {
      variant: kind,
      jobs: deliveries.length,
      targetJobsPerSecond: options.jobsPerSecond,
      achievedJobsPerSecond: round(deliveries.length / sendSeconds, 1),
      batchWindowMs: options.batchWindowMs,
      launched: latencies.length,
      p50Ms: round(percentile(latencies, 50), 0),
      p99Ms: round(percentile(latencies, 99), 0),
      maxMs: round(Math.max(...latencies), 0),
      webhookAckP50Ms: round(percentile(acks, 50), 1),
      webhookAckP99Ms: round(percentile(acks, 99), 1),
      launchCalls: compute.calls.length,
      ...(problems.length ? { problems } : {}),
    };
  } finally {
    stop.abort();
    await loop.catch(() => undefined);
    agent.destroy();
    await new Promise<void>((r) => server.close(() => r()));
    await built.close();
  }
}
