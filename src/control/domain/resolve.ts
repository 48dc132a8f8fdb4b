import { type Catalog, type CatalogEntry, onDemandUsdPerHour } from "./catalog.ts";
import type { LabelError } from "./labels-types.ts";
import { archesOf, filterCatalog } from "./resolve-filter.ts";
import type { Arch, Candidate, Spec } from "./spec.ts";

export { defaultFamilies } from "./resolve-filter.ts";

/** The most instance types one fleet request may be given. */
export const maxCandidates = 20;

/** Where the job would launch, and spot prices there when known (USD/hour by instance type). */
export interface ResolveOptions {
  region: string;
  /** Current spot prices for the spec's OS; used to rank and to pick the arch when spot is on. */
  spotPrices?: Readonly<Record<string, number>>;
}

/** The instance types a spec may launch on, best first, or why there are none. */
export type Resolution =
  | { ok: true; arch: Arch; candidates: Candidate[] }
  | { ok: false; errors: LabelError[] };

interface Ranked {
  entry: CatalogEntry;
  onDemand: number | null;
  /** Spot price when known and spot is wanted, else on-demand; null when neither is known. */
  price: number | null;
}

/** Fewest vCPU, least memory, newest generation, lowest price, then name (for a stable order). */
function compare(a: Ranked, b: Ranked): number {
  return (
    a.entry.vcpu - b.entry.vcpu ||
    a.entry.memoryGiB - b.entry.memoryGiB ||
    // Among types of one shape a newer generation finishes the same job sooner for about the
    // same hourly price (c8g.xlarge before c7g.xlarge), so it leads; price decides within one.
    b.entry.generation - a.entry.generation ||
    (a.price ?? Number.POSITIVE_INFINITY) - (b.price ?? Number.POSITIVE_INFINITY) ||
    (a.entry.instanceType < b.entry.instanceType ? -1 : 1)
  );
}

/** Prices `entry` for ranking: its spot price when known and spot is wanted, else on-demand. */
function rank(spec: Spec, catalog: Catalog, options: ResolveOptions, entry: CatalogEntry): Ranked {
  const onDemand = onDemandUsdPerHour(catalog, entry, spec.os, options.region);
  const spot = options.spotPrices;
  const spotPrice =
    spec.spot && spot !== undefined && Object.hasOwn(spot, entry.instanceType)
      ? spot[entry.instanceType]
      : undefined;
  return { entry, onDemand, price: spotPrice ?? onDemand };
}

/** The arch whose cheapest candidate is cheaper; arm64 on a tie. */
function chooseArch(byArch: Map<Arch, Ranked[]>): Arch {
  let best: { arch: Arch; price: number } | null = null;
  for (const [arch, ranked] of byArch) {
    const price = Math.min(...ranked.map((r) => r.price ?? Number.POSITIVE_INFINITY));
    if (best === null || price < best.price) best = { arch, price };
  }
  return best?.arch ?? "arm64";
}

/**
 * Resolves a spec into the instance types a fleet request may choose from (LABELS.md,
 * "Resolution"): filtered by arch, families, OS, generation, vCPU and memory, ordered, at most
 * 20. When the spec leaves the arch open, the cheaper arch is chosen and returned.
 */
export function resolveCandidates(
  spec: Spec,
  catalog: Catalog,
  options: ResolveOptions,
): Resolution {
  const filtered = filterCatalog(spec, catalog);
  if (!filtered.ok) return filtered;
  const pool = filtered.pool;
  const byArch = new Map<Arch, Ranked[]>();
  for (const arch of archesOf(pool)) {
    const ranked = pool.filter((e) => e.arch === arch).map((e) => rank(spec, catalog, options, e));
    byArch.set(arch, ranked.sort(compare).slice(0, maxCandidates));
  }
  const arch = chooseArch(byArch);
  const candidates = (byArch.get(arch) ?? []).map((r) => ({
    instanceType: r.entry.instanceType,
    vcpu: r.entry.vcpu,
    memoryGiB: r.entry.memoryGiB,
    arch: r.entry.arch,
    onDemandUsdPerHour: r.onDemand,
  }));
  return { ok: true, arch, candidates };
}
