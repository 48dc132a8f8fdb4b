import { type CircuitConfig, defaultCircuitConfig } from "../../domain/circuit.ts";
import { regionCircuitKey } from "../../domain/circuit-key.ts";
import type { CircuitService } from "../common/circuits.ts";

/**
 * A region's circuit: open at the first launch that found no capacity anywhere, for ten minutes;
 * then the region is tried again (a half-open region counts as up).
 */
export const regionCircuitConfig: CircuitConfig = {
  ...defaultCircuitConfig,
  threshold: 1,
  cooldownMs: 10 * 60_000,
  // A region short of capacity again soon after is left out longer, but never past an hour:
  // shortages pass, and pinned jobs wait for it.
  maxCooldownMs: 60 * 60_000,
};

/** Which regions can launch now; a launch that found no capacity anywhere marks its region down. */
export interface RegionHealth {
  /** The regions among `regions` that cannot launch now, each with why. */
  down(regions: readonly string[]): Promise<Map<string, string>>;
  /** A launch in `region` found no capacity on any candidate, spot or on-demand. */
  noCapacity(region: string): Promise<void>;
}

/**
 * Region health kept as circuits (`region:<name>` keys in the circuits table), so every replica
 * sees the same state, it expires on its own, and the admin API lists and resets it like any
 * circuit. `circuits` should open at the first failure (threshold 1): one launch that found no
 * capacity across every candidate and both markets is already the region saying no.
 */
export function createRegionHealth(options: {
  circuits: Pick<CircuitService, "check" | "recordInterruption">;
  /** Regions an operator marked down in the configuration. */
  markedDown?: readonly string[];
}): RegionHealth {
  const marked = new Set(options.markedDown ?? []);
  return {
    async down(regions) {
      const out = new Map<string, string>();
      const keys = regions.map(regionCircuitKey);
      const states = await options.circuits.check(keys);
      for (const r of regions) {
        if (marked.has(r)) out.set(r, "marked down in the configuration");
        else if (states.get(regionCircuitKey(r))?.state === "open")
          out.set(r, "no capacity for any candidate on the last launch");
      }
      return out;
    },
    async noCapacity(region) {
      await options.circuits.recordInterruption(regionCircuitKey(region));
    },
  };
}
