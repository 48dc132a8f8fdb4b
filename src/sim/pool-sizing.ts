import type { PoolDefinition } from "../control/domain/pool-config.ts";
import { percentile } from "./stats.ts";
import type { WorkItem } from "./workload.ts";

/** The pool the `breaker-pools` policy puts plain `runs-fleet` jobs on. */
export const simPoolName = "sim-default";

/** True for a job the pool serves: the default spec, whatever its priority. */
export const pooled = (labels: readonly string[]) =>
  labels.some((l) => l === "runs-fleet" || /^runs-fleet\/priority=\w+$/.test(l));

const windowMs = 2 * 60_000;

/**
 * Hot members enough for the p95 of pooled arrivals in a 2-minute window (about one refill:
 * a boot plus a reconcile pass), in office hours (08–18 UTC on weekdays) and outside them.
 */
export function recommendPool(items: readonly WorkItem[], start: number): PoolDefinition {
  const office: number[] = [];
  const quiet: number[] = [];
  const counts = new Map<number, number>();
  for (const i of items)
    if (pooled(i.labels))
      counts.set(Math.floor(i.at / windowMs), (counts.get(Math.floor(i.at / windowMs)) ?? 0) + 1);
  const last = Math.floor((items.at(-1)?.at ?? 0) / windowMs);
  for (let w = 0; w <= last; w++) {
    const at = new Date(start + w * windowMs);
    const day = at.getUTCDay();
    const busy = day >= 1 && day <= 5 && at.getUTCHours() >= 8 && at.getUTCHours() < 18;
    (busy ? office : quiet).push(counts.get(w) ?? 0);
  }
  const size = (xs: number[]) =>
    Math.max(
      1,
      Math.ceil(
        percentile(
          [...xs].sort((a, b) => a - b),
          0.95,
        ),
      ),
    );
  return {
    name: simPoolName,
    spec: "",
    hot: size(quiet),
    stopped: 0,
    idleTimeoutMinutes: 30,
    schedules: [
      {
        cron: "0 8 * * 1-5",
        until: "0 18 * * 1-5",
        timezone: "UTC",
        hot: size(office),
        stopped: 0,
      },
    ],
    spot: false,
    max: null,
  };
}
