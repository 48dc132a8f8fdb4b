import * as v from "valibot";
import { ValidationError } from "./errors.ts";
import { type Arch, ArchSchema, type Os, OsSchema } from "./spec.ts";

/** A family name: class letters, generation digits, attribute letters (`c7g`, `m7i`, `t3`). */
const familyPattern = /^([a-z]+)(\d+)([a-z]*)$/;

/** One EC2 instance type as the catalog describes it. */
export const CatalogEntrySchema = v.object({
  instanceType: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/)),
  family: v.pipe(v.string(), v.regex(familyPattern)),
  vcpu: v.pipe(v.number(), v.integer(), v.minValue(1)),
  memoryGiB: v.pipe(v.number(), v.minValue(0.5)),
  arch: ArchSchema,
  generation: v.pipe(v.number(), v.integer(), v.minValue(1)),
  burstable: v.boolean(),
  os: v.pipe(v.array(OsSchema), v.minLength(1)),
  /** On-demand Linux list price per region; Windows adds the licence (see `onDemandUsdPerHour`). */
  linuxUsdPerHour: v.record(v.string(), v.pipe(v.number(), v.minValue(0))),
});
export type CatalogEntry = v.InferOutput<typeof CatalogEntrySchema>;

/** The instance-type catalog (`data/catalog.json`). */
export const CatalogSchema = v.object({
  /** When the list prices were taken; shown to users, not used in decisions. */
  pricesAsOf: v.string(),
  /** Region whose price stands in for a region the catalog has no price for. */
  fallbackRegion: v.string(),
  /** Windows licence-included surcharge per vCPU-hour, added to the Linux price. */
  windowsLicenceUsdPerVcpuHour: v.pipe(v.number(), v.minValue(0)),
  types: v.pipe(v.array(CatalogEntrySchema), v.minLength(1)),
});
export type Catalog = v.InferOutput<typeof CatalogSchema>;

/** Problems no schema sees: duplicate types, names that disagree with their fields. */
function crossCheck(catalog: Catalog): string[] {
  const issues: string[] = [];
  const seen = new Set<string>();
  for (const entry of catalog.types) {
    if (seen.has(entry.instanceType)) issues.push(`${entry.instanceType}: listed twice`);
    seen.add(entry.instanceType);
    if (!entry.instanceType.startsWith(`${entry.family}.`)) {
      issues.push(`${entry.instanceType}: does not belong to family ${entry.family}`);
    }
    if (familyGeneration(entry.family) !== entry.generation) {
      issues.push(`${entry.instanceType}: generation ${entry.generation} disagrees with its name`);
    }
    if (entry.os.includes("windows") && entry.arch !== "amd64") {
      issues.push(`${entry.instanceType}: windows runs on amd64 only`);
    }
  }
  return issues;
}

/** Parses and checks catalog data; throws a ValidationError listing every problem. */
export function parseCatalog(data: unknown): Catalog {
  const result = v.safeParse(CatalogSchema, data);
  if (!result.success) {
    const issues = result.issues.map((issue) => {
      const path = v.getDotPath(issue);
      return path === null ? issue.message : `${path}: ${issue.message}`;
    });
    throw new ValidationError("invalid instance-type catalog", issues);
  }
  const issues = crossCheck(result.output);
  if (issues.length > 0) throw new ValidationError("invalid instance-type catalog", issues);
  return result.output;
}

/** The generation number in a family name (`c7g` → 7), or null when the name has none. */
export function familyGeneration(family: string): number | null {
  const match = familyPattern.exec(family);
  return match?.[2] === undefined ? null : Number(match[2]);
}

/** Every family in the catalog, sorted. */
export function catalogFamilies(catalog: Catalog): string[] {
  return [...new Set(catalog.types.map((entry) => entry.family))].sort();
}

/** The architecture of each family in the catalog. */
export function familyArches(catalog: Catalog): Map<string, Arch> {
  return new Map(catalog.types.map((entry) => [entry.family, entry.arch]));
}

/**
 * On-demand USD/hour for `entry` running `os` in `region`. A region the catalog has no price for
 * uses the fallback region's price (an estimate: prices differ by region by up to ~30%); null when
 * neither is known. Windows adds the per-vCPU licence surcharge.
 */
export function onDemandUsdPerHour(
  catalog: Catalog,
  entry: CatalogEntry,
  os: Os,
  region: string,
): number | null {
  const linux = entry.linuxUsdPerHour[region] ?? entry.linuxUsdPerHour[catalog.fallbackRegion];
  if (linux === undefined) return null;
  const price =
    os === "windows" ? linux + catalog.windowsLicenceUsdPerVcpuHour * entry.vcpu : linux;
  // Five decimals, as AWS publishes them, so sums of floats do not leak into output.
  return Math.round(price * 1e5) / 1e5;
}
