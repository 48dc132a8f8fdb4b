import { defaultCatalog } from "../../domain/catalog-default.ts";
import { nextCircuitState } from "../../domain/circuit.ts";
import { instancePrice } from "../../domain/cost-job.ts";
import { InstanceStateSchema } from "../../domain/instance.ts";
import type { TaskContext, TaskReport } from "./deps.ts";
import { paged } from "./deps.ts";

const markets = ["spot", "on-demand"] as const;
const liveStates = InstanceStateSchema.options.filter((s) => s !== "terminated");

/** Queue depths: every queue housekeeping was given, by its metric name. */
async function sampleQueues(ctx: TaskContext): Promise<number> {
  let sampled = 0;
  for (const { name, queue } of ctx.metricQueues ?? []) {
    const depth = await ctx.look({ queue: name }, () => queue.approximateDepth());
    if (typeof depth !== "number") continue;
    ctx.metrics.gauge("QueueDepth", depth, { queue: name });
    sampled++;
  }
  // The job that has waited longest since it was (re)sent: the age of the oldest job message
  // that matters, read from the source of truth, so it works the same on every queue backend.
  const oldest = await ctx.look({ queue: "job" }, () =>
    ctx.jobs.listUpdatedBefore({
      status: "queued",
      updatedBefore: new Date(ctx.now).toISOString(),
      limit: 1,
    }),
  );
  if (oldest) {
    const job = oldest.jobs[0];
    const sentAt = job ? Date.parse(job.lastEnqueuedAt ?? job.createdAt) : ctx.now;
    ctx.metrics.gauge("OldestMessageAge", Math.max(0, (ctx.now - sentAt) / 1000), { queue: "job" });
  }
  return sampled;
}

/** States whose instances bill compute (a stopped one bills only its disk). */
const billedStates = new Set<string>(["pending", "running", "standby", "offline"]);

/**
 * Instances not terminated, by market and state (zeros included, so a graph falls to 0), and
 * what those that bill compute cost per hour: each at the price it launched at (the list price
 * when it has none; an instance record keeps no OS, so Linux's).
 */
async function sampleFleet(ctx: TaskContext): Promise<void> {
  const counts = new Map<string, number>();
  const usdPerHour = new Map<string, number>();
  for (const state of liveStates) {
    const page = async (limit: number, cursor?: string) => {
      const out = await ctx.instances.list({ state, limit, ...(cursor ? { cursor } : {}) });
      return { items: out.instances, ...(out.next ? { next: out.next } : {}) };
    };
    for await (const i of paged(page, ctx.config.scanLimit)) {
      counts.set(`${i.market}/${state}`, (counts.get(`${i.market}/${state}`) ?? 0) + 1);
      const price = billedStates.has(state) ? instancePrice(defaultCatalog, i, "linux") : null;
      if (price) usdPerHour.set(i.market, (usdPerHour.get(i.market) ?? 0) + price.usdPerHour);
    }
  }
  for (const market of markets)
    ctx.metrics.gauge("EstimatedCostPerHour", usdPerHour.get(market) ?? 0, { market });
  for (const market of markets)
    for (const state of liveStates)
      ctx.metrics.gauge("FleetSize", counts.get(`${market}/${state}`) ?? 0, { market, state });
}

/** Each stored circuit's state as of now (a circuit past its cooldown reads half-open). */
async function sampleCircuits(ctx: TaskContext): Promise<void> {
  if (!ctx.circuitStore) return;
  for (const stored of await ctx.circuitStore.list()) {
    const s = nextCircuitState(stored, { type: "check" }, ctx.now);
    const value = s.state === "open" ? 1 : s.state === "half-open" ? 0.5 : 0;
    ctx.metrics.gauge("CircuitBreakerOpen", value, { instanceType: s.instanceType });
  }
}

/**
 * Samples what no event reports: queue depths, the oldest queued job's wait, fleet size and
 * circuit states. Under its task lock like every task, so one replica samples per interval.
 */
export async function sampleMetrics(ctx: TaskContext): Promise<TaskReport> {
  const queues = await sampleQueues(ctx);
  await sampleFleet(ctx);
  await sampleCircuits(ctx);
  return { checked: queues };
}
