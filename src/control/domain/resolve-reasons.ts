import type { Catalog, CatalogEntry } from "./catalog.ts";
import type { Spec } from "./spec.ts";

/** Describes the types a stage looked at: `windows amd64 instance type in family=c7i+m7i`. */
export function scope(spec: Spec, arches: readonly string[]): string {
  const words = [
    spec.os === "windows" ? "windows" : null,
    arches.length === 1 ? arches[0] : null,
    "instance type",
  ].filter((w) => w !== null);
  return spec.families === null
    ? words.join(" ")
    : `${words.join(" ")} in family=${spec.families.join("+")}`;
}

function span(min: number, max: number | null, unit: string): string {
  if (max === null) return `${min} ${unit} or more`;
  return min === max ? `${min} ${unit}` : `between ${min} and ${max} ${unit}`;
}

/** The sizes just below and above a range that nothing fits, to show what would. */
function neighbours(values: number[], min: number, max: number | null): string {
  const below = values.filter((n) => n < min);
  const above = values.filter((n) => max !== null && n > max);
  const near = [
    below.length > 0 ? Math.max(...below) : null,
    above.length > 0 ? Math.min(...above) : null,
  ].filter((n) => n !== null);
  return near.join(", ");
}

/** Why no type has the vCPU count asked for. */
export function cpuReason(spec: Spec, what: string, pool: readonly CatalogEntry[]): string {
  const counts = pool.map((e) => e.vcpu);
  const largest = Math.max(...counts);
  const { min, max } = spec.cpu;
  if (min > largest) return `no ${what} has ${min} vCPU (largest: ${largest})`;
  return `no ${what} has ${span(min, max, "vCPU")} (closest: ${neighbours(counts, min, max)})`;
}

/** Why no type with the right vCPU count has the memory asked for. */
export function ramReason(spec: Spec, what: string, pool: readonly CatalogEntry[]): string {
  const sizes = pool.map((e) => e.memoryGiB);
  const largest = Math.max(...sizes);
  const ram = spec.ramGiB ?? { min: 0, max: null };
  const { min, max } = spec.cpu;
  const head = `no ${what} with ${min === max ? min : `${min}–${max}`} vCPU has`;
  if (ram.min > largest) return `${head} ${ram.min} GiB memory (largest: ${largest} GiB)`;
  return `${head} ${span(ram.min, ram.max, "GiB")} memory (closest: ${neighbours(sizes, ram.min, ram.max)} GiB)`;
}

/** Why no family of the generation asked for is among those considered. */
export function genReason(
  spec: Spec,
  considered: readonly string[],
  sameGeneration: readonly string[],
): string {
  const gen = spec.gen ?? 0;
  if (spec.families !== null) {
    return `no family in family=${spec.families.join("+")} is generation ${gen}`;
  }
  const hint =
    sameGeneration.length > 0
      ? `; name families with family=, e.g. family=${sameGeneration.join("+")}`
      : "; the catalog has no family of that generation";
  return `no default family (${considered.join(", ")}) is generation ${gen}${hint}`;
}

/** Why no type of the families asked for has the arch asked for. */
export function familyReason(spec: Spec, arches: readonly string[], catalog: Catalog): string {
  const named = spec.families;
  const which = named === null ? "the default families" : `family=${named.join("+")}`;
  const own = catalog.types
    .filter((e) => named?.includes(e.family))
    .map((e) => `${e.family}: ${e.arch}`);
  const detail = own.length > 0 ? ` (${[...new Set(own)].join(", ")})` : "";
  return `no ${arches.join(" or ")} instance type in ${which}${detail}`;
}
