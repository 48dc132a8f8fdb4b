import type { Alias } from "../../domain/aliases.ts";
import type { Catalog } from "../../domain/catalog.ts";
import { defaultCatalog } from "../../domain/catalog-default.ts";
import { clip } from "../../domain/labels-bounds.ts";
import { type Explanation, explainLabels, rejectionReason } from "../../domain/labels-explain.ts";
import type { Candidate, Spec } from "../../domain/spec.ts";
import type { SpotPrices } from "../../ports/spot-prices.ts";
import { explainWithSpotPrices } from "./spot-ranking.ts";

/** What intake learns from a job's labels. */
export type LabelResolution =
  | { kind: "not-ours" }
  | { kind: "rejected"; reason: string; spec: Spec | null }
  | { kind: "accepted"; spec: Spec; candidates: Candidate[] };

/** Turns a job's `runs-on` labels into a spec and candidate instance types. */
export type ResolveLabels = (
  labels: readonly string[],
) => LabelResolution | Promise<LabelResolution>;

/** The label grammar and catalog of LABELS.md, with this installation's regions and aliases. */
export function createLabelResolver(options: {
  regions: readonly string[];
  defaultRegion: string;
  environments: readonly string[];
  aliases?: readonly Alias[];
  catalog?: Catalog;
  /** Current spot prices: a spot request's candidates are ranked by them when they answer. */
  spotPrices?: SpotPrices;
}): ResolveLabels {
  const parseOptions = {
    catalog: options.catalog ?? defaultCatalog,
    regions: options.regions,
    defaultRegion: options.defaultRegion,
    environments: options.environments,
    aliases: options.aliases ?? [],
  };
  const { spotPrices } = options;
  return (labels) =>
    spotPrices === undefined
      ? toResolution(explainLabels(labels, parseOptions))
      : explainWithSpotPrices(labels, parseOptions, spotPrices).then((r) =>
          toResolution(r.explanation),
        );
}

/** What intake keeps of an explanation. */
function toResolution(result: Explanation): LabelResolution {
  switch (result.outcome) {
    case "not-ours":
      return { kind: "not-ours" };
    case "rejected":
      return {
        kind: "rejected",
        spec: result.spec,
        reason: `${clip(result.label, 120)}: ${rejectionReason(result.errors)}`,
      };
    case "accepted":
      return { kind: "accepted", spec: result.spec, candidates: result.candidates };
  }
}

/**
 * A resolver whose aliases are the ones in effect at each call (the active config version); the
 * parse for one alias list is built once and reused while that list stays in effect.
 */
export function createLiveLabelResolver(
  options: Omit<Parameters<typeof createLabelResolver>[0], "aliases">,
  aliases: () => Promise<readonly Alias[]>,
): ResolveLabels {
  let built: { aliases: readonly Alias[]; resolve: ResolveLabels } | null = null;
  return async (labels) => {
    const current = await aliases();
    if (built?.aliases !== current)
      built = { aliases: current, resolve: createLabelResolver({ ...options, aliases: current }) };
    return await built.resolve(labels);
  };
}
