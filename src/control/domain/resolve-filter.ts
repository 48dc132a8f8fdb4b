import type { Catalog, CatalogEntry } from "./catalog.ts";
import type { LabelError } from "./labels-types.ts";
import { cpuReason, familyReason, genReason, ramReason, scope } from "./resolve-reasons.ts";
import type { Arch, Spec } from "./spec.ts";

/** Families used when a label names none (LABELS.md), newest first. */
export const defaultFamilies: Readonly<Record<Arch, readonly string[]>> = {
  arm64: ["c8g", "m8g", "r8g", "c7g", "m7g"],
  amd64: ["c7i", "m7i", "c6i", "m6i", "c7a", "m7a"],
};

/** The arches present in `pool`, arm64 first. */
export function archesOf(pool: readonly CatalogEntry[]): Arch[] {
  return (["arm64", "amd64"] as const).filter((arch) => pool.some((e) => e.arch === arch));
}

function reject(key: string, message: string): { ok: false; errors: LabelError[] } {
  return { ok: false, errors: [{ key, message }] };
}

/**
 * The catalog entries a spec allows, filtered stage by stage (arch and families, OS, generation,
 * vCPU, memory) so that when nothing is left the reason names the stage that emptied the list.
 */
export function filterCatalog(
  spec: Spec,
  catalog: Catalog,
): { ok: true; pool: CatalogEntry[] } | { ok: false; errors: LabelError[] } {
  const arches: Arch[] = spec.arch === null ? ["arm64", "amd64"] : [spec.arch];
  const named = spec.families;
  const byFamily = catalog.types.filter(
    (e) =>
      arches.includes(e.arch) &&
      // Burstable types throttle under sustained load, so only a label that names them gets them.
      (named === null
        ? defaultFamilies[e.arch].includes(e.family) && !e.burstable
        : named.includes(e.family)),
  );
  if (byFamily.length === 0) {
    return reject(named === null ? "arch" : "family", familyReason(spec, arches, catalog));
  }
  const byOs = byFamily.filter((e) => e.os.includes(spec.os));
  if (byOs.length === 0) {
    const what = scope({ ...spec, os: "linux" }, archesOf(byFamily));
    return reject("os", `no ${what} runs ${spec.os} (windows runs on amd64 only)`);
  }
  const byGen = spec.gen === null ? byOs : byOs.filter((e) => e.generation === spec.gen);
  if (byGen.length === 0) {
    const present = new Set(byOs.map((e) => e.family));
    const listed = named ?? arches.flatMap((arch) => defaultFamilies[arch]);
    const considered = listed.filter((family) => present.has(family));
    const sameGeneration = [
      ...new Set(
        catalog.types
          .filter((e) => e.generation === spec.gen && !e.burstable && arches.includes(e.arch))
          .filter((e) => e.os.includes(spec.os))
          .map((e) => e.family),
      ),
    ];
    return reject("gen", genReason(spec, considered, sameGeneration));
  }
  const byCpu = byGen.filter((e) => e.vcpu >= spec.cpu.min && e.vcpu <= spec.cpu.max);
  if (byCpu.length === 0)
    return reject("cpu", cpuReason(spec, scope(spec, archesOf(byGen)), byGen));
  const ram = spec.ramGiB;
  const byRam =
    ram === null
      ? byCpu
      : byCpu.filter((e) => e.memoryGiB >= ram.min && (ram.max === null || e.memoryGiB <= ram.max));
  if (byRam.length === 0)
    return reject("ram", ramReason(spec, scope(spec, archesOf(byCpu)), byCpu));

  return { ok: true, pool: byRam };
}
