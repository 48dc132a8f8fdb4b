// What intake and the CLI need from labels, the catalog and resolution (LABELS.md).
export {
  type Alias,
  type AliasConfig,
  AliasConfigSchema,
  compileAliases,
  matchAlias,
} from "./aliases.ts";
export {
  type Catalog,
  type CatalogEntry,
  CatalogSchema,
  catalogFamilies,
  onDemandUsdPerHour,
  parseCatalog,
} from "./catalog.ts";
export { defaultCatalog } from "./catalog-default.ts";
export {
  type ExplainOptions,
  type Explanation,
  explainLabels,
  rejectionReason,
} from "./labels-explain.ts";
export { parseLabels } from "./labels-parse.ts";
export { specToLabel } from "./labels-serialise.ts";
export {
  defaultDiskGiB,
  defaultSpec,
  type LabelError,
  type LabelOptions,
  type LabelParse,
  type LabelSource,
  marker,
  rootVolumeGiB,
} from "./labels-types.ts";
export { labelKeys } from "./labels-values.ts";
export {
  defaultFamilies,
  maxCandidates,
  type Resolution,
  type ResolveOptions,
  resolveCandidates,
} from "./resolve.ts";
