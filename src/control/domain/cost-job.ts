import * as v from "valibot";
import { type Catalog, onDemandUsdPerHour } from "./catalog.ts";
import { instanceRunCost, roundUsd } from "./cost.ts";
import { type GitHubPrices, githubHostedCost } from "./cost-github.ts";
import type { Instance } from "./instance.ts";
import type { Spec } from "./spec.ts";

/** A finished job's cost as stored on its record and shown by the admin API. */
export const JobCostSchema = v.object({
  /** Its instance's lifetime up to the job's end, billed per second with the 60 s minimum. */
  instanceUsd: v.number(),
  billedSeconds: v.number(),
  /** The hourly price that was used, and where it came from. */
  usdPerHour: v.number(),
  priceSource: v.picklist(["launch", "list"]),
  /** The same job on a GitHub-hosted runner of the same size, billed per started minute. */
  githubHostedUsd: v.number(),
  githubMinutes: v.number(),
});
export type JobCost = v.InferOutput<typeof JobCostSchema>;

/** The hourly price of an instance: the one it launched at, else the catalog's list price. */
export function instancePrice(
  catalog: Catalog,
  instance: Pick<Instance, "instanceType" | "region" | "usdPerHour">,
  os: Spec["os"],
): { usdPerHour: number; source: "launch" | "list" } | null {
  if (instance.usdPerHour !== null && instance.usdPerHour !== undefined)
    return { usdPerHour: instance.usdPerHour, source: "launch" };
  const entry = catalog.types.find((e) => e.instanceType === instance.instanceType);
  const list = entry ? onDemandUsdPerHour(catalog, entry, os, instance.region) : null;
  return list === null ? null : { usdPerHour: list, source: "list" };
}

/**
 * The cost of a job that ended at `endedAtMs` on `instance`: the instance's time from launch to
 * the job's end (a pool instance's idle time before the job is the pool's, not the job's: it is
 * counted from the job's start instead), and what GitHub would charge for the job's minutes.
 * Null when the instance's type has no price anywhere.
 */
export function jobCost(input: {
  catalog: Catalog;
  github: GitHubPrices;
  instance: Pick<Instance, "instanceType" | "region" | "usdPerHour" | "launchedAt" | "pool">;
  spec: Pick<Spec, "os"> | null;
  startedAt: string | null;
  endedAtMs: number;
}): JobCost | null {
  const { catalog, instance } = input;
  const os = input.spec?.os ?? "linux";
  const price = instancePrice(catalog, instance, os);
  const entry = catalog.types.find((e) => e.instanceType === instance.instanceType);
  if (price === null || entry === undefined) return null;
  const launched = Date.parse(instance.launchedAt);
  const started = input.startedAt ? Date.parse(input.startedAt) : launched;
  const from = instance.pool ? started : launched;
  const run = instanceRunCost(price.usdPerHour, from, input.endedAtMs);
  const hosted = githubHostedCost(
    input.github,
    { os, arch: entry.arch, vcpu: entry.vcpu },
    input.endedAtMs - started,
  );
  return {
    instanceUsd: roundUsd(run.usd),
    billedSeconds: run.billedSeconds,
    usdPerHour: price.usdPerHour,
    priceSource: price.source,
    githubHostedUsd: roundUsd(hosted.usd),
    githubMinutes: hosted.minutes,
  };
}
