import * as v from "valibot";
import data from "../../../data/github-hosted-prices.json" with { type: "json" };
import type { Arch, Os } from "./spec.ts";

const RateTable = v.record(v.pipe(v.string(), v.regex(/^\d+$/)), v.pipe(v.number(), v.minValue(0)));

/** GitHub-hosted runner list prices (USD per minute by vCPU count), kept as data. */
export const GitHubPricesSchema = v.object({
  asOf: v.string(),
  source: v.string(),
  billing: v.string(),
  usdPerMinute: v.object({
    "linux-amd64": RateTable,
    "linux-arm64": RateTable,
    "windows-amd64": RateTable,
  }),
});
export type GitHubPrices = v.InferOutput<typeof GitHubPricesSchema>;

/** The list prices shipped with runs-fleet (`data/github-hosted-prices.json`), validated at load. */
export const githubHostedPrices: GitHubPrices = v.parse(GitHubPricesSchema, data);

/**
 * USD per minute of the GitHub-hosted runner that matches a machine: the smallest size with at
 * least `vcpu` cores (the largest when none is that big). Windows has no arm64 runner here, so
 * it is priced as amd64.
 */
export function githubRatePerMinute(
  prices: GitHubPrices,
  machine: { os: Os; arch: Arch; vcpu: number },
): number {
  const key = machine.os === "windows" ? "windows-amd64" : (`linux-${machine.arch}` as const);
  const sizes = Object.entries(prices.usdPerMinute[key])
    .map(([cores, rate]) => ({ cores: Number(cores), rate }))
    .sort((a, b) => a.cores - b.cores);
  const fit = sizes.find((s) => s.cores >= machine.vcpu) ?? sizes.at(-1);
  return fit?.rate ?? 0;
}

/** What GitHub would charge for a job of `durationMs` on a matching hosted runner (per started minute). */
export function githubHostedCost(
  prices: GitHubPrices,
  machine: { os: Os; arch: Arch; vcpu: number },
  durationMs: number,
): { minutes: number; usd: number } {
  const minutes = durationMs > 0 ? Math.ceil(durationMs / 60_000) : 0;
  return { minutes, usd: minutes * githubRatePerMinute(prices, machine) };
}
