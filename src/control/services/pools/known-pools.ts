import type { PoolDefinitions } from "../../ports/pool-definitions.ts";
import type { LabelResolution, ResolveLabels } from "../intake/label-resolver.ts";

/**
 * Wraps a label resolver so a job naming a pool no active config defines is rejected at intake,
 * with the names that are defined (a typo would otherwise launch cold on-demand, unnoticed).
 */
export function withKnownPools(
  resolve: ResolveLabels,
  definitions: Pick<PoolDefinitions, "list">,
): ResolveLabels {
  return async (labels): Promise<LabelResolution> => {
    const resolved = await resolve(labels);
    if (resolved.kind !== "accepted" || resolved.spec.pool === null) return resolved;
    const names = (await definitions.list()).map((p) => p.name);
    if (names.includes(resolved.spec.pool)) return resolved;
    const known = names.length === 0 ? "no pools are defined" : `known pools: ${names.join(", ")}`;
    return {
      kind: "rejected",
      spec: resolved.spec,
      reason: `unknown pool "${resolved.spec.pool}" — ${known}`,
    };
  };
}
