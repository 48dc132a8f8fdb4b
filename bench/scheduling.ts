/**
 * Scheduling burst: `jobs` jobs of five specs queued at once, then one scheduler drains the
 * queue. Measures the time until every job's record says `launched`, and how many launch calls
 * (the stand-in for CreateFleet) carried them. Compute is a counting fake with instant
 * instances, so the figures are the control plane's, not a machine's boot.
 */
import { countingCompute } from "./lib/counting-compute.ts";
import { outcomeOf } from "./lib/http-load.ts";
import { recordLaunched } from "./lib/launch-times.ts";
import { buildPlane, type PlaneKind } from "./lib/planes.ts";
import { round } from "./lib/stats.ts";
import { type Delivery, queuedDeliveries } from "./lib/webhooks.ts";

export interface SchedulingOptions {
  jobs: number;
  budgetMs: number;
  batchWindowMs: number;
}

export const schedulingDefaults: SchedulingOptions = {
  jobs: 500,
  budgetMs: 90_000,
  batchWindowMs: 500,
};

/** Queues every delivery through the app, a few at a time; not part of the measurement. */
async function queueAll(
  app: { request(path: string, init: RequestInit): Response | Promise<Response> },
  deliveries: readonly Delivery[],
) {
  let next = 0;
  let queued = 0;
  const worker = async () => {
    while (next < deliveries.length) {
      const d = deliveries[next++] as Delivery;
      const res = await app.request("/webhook", {
        method: "POST",
        headers: d.headers,
        body: d.body,
      });
      if (outcomeOf(await res.text()) === "queued") queued++;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return queued;
}

export async function runScheduling(kind: PlaneKind, options = schedulingDefaults) {
  const compute = countingCompute();
  const built = await buildPlane(kind, { compute, batchWindowMs: options.batchWindowMs });
  try {
    const { plane } = built;
    const deliveries = await queuedDeliveries(options.jobs);
    const queued = await queueAll(plane.app, deliveries);
    if (queued !== options.jobs) throw new Error(`only ${queued} of ${options.jobs} jobs queued`);
    const launched = recordLaunched(plane.jobs);

    const start = performance.now();
    const counts = await plane.scheduler.drain({
      budgetMs: options.budgetMs,
      untilEmpty: true,
      waitSeconds: 1,
    });
    const slots = compute.calls.reduce((n, c) => n + c.slots, 0);
    const problems: string[] = [];
    if (launched.size !== options.jobs) problems.push(`${launched.size} jobs launched`);
    if (slots !== options.jobs || compute.launchedAt.size !== options.jobs)
      problems.push(`${slots} instances for ${compute.launchedAt.size} jobs`);
    const lastLaunched = Math.max(...launched.values());
    const lastCall = Math.max(...compute.calls.map((c) => c.at));
    return {
      variant: kind,
      jobs: options.jobs,
      specs: new Set(compute.calls.map((c) => c.placementKey)).size,
      batchWindowMs: options.batchWindowMs,
      secondsUntilAllLaunched: round((lastLaunched - start) / 1000, 2),
      secondsUntilLastLaunchCall: round((lastCall - start) / 1000, 2),
      launchCalls: compute.calls.length,
      jobsPerCall: round(slots / compute.calls.length, 1),
      largestCall: Math.max(...compute.calls.map((c) => c.slots)),
      outcomes: counts,
      ...(problems.length ? { problems } : {}),
    };
  } finally {
    await built.close();
  }
}
