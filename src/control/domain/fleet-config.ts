import * as v from "valibot";
import { parse as parseYaml } from "yaml";
import { type Alias, type AliasConfig, AliasConfigSchema, compileAliases } from "./aliases.ts";
import { explainLabels, rejectionReason } from "./labels-explain.ts";
import type { LabelOptions } from "./labels-types.ts";
import { type PoolDefinition, parsePoolDefinitions } from "./pool-config.ts";

/** The sections the GitOps file may hold; anything else is refused by name. */
export const fleetConfigSections = ["pools", "aliases"] as const;

/** The GitOps file as stored with each config version: checked pools and aliases, plain data. */
export interface FleetConfig {
  pools: PoolDefinition[];
  aliases: AliasConfig[];
}

/** A checked config, its aliases ready to match labels. */
export interface CheckedFleetConfig {
  config: FleetConfig;
  aliases: Alias[];
}

/** A config, or every problem with it, each in words a user can act on. */
export type FleetConfigResult =
  | ({ ok: true } & CheckedFleetConfig)
  | { ok: false; problems: string[] };

/**
 * Checks a parsed GitOps document (`pools:` and `aliases:`), listing every problem at once:
 * unknown sections, pool shapes, names, schedules and sizes, alias shapes and expressions, and —
 * when `labels` is given — pool specs and literal alias specs resolved like labels.
 */
export function checkFleetConfig(raw: unknown, labels?: LabelOptions): FleetConfigResult {
  const doc = raw ?? {};
  if (typeof doc !== "object" || Array.isArray(doc))
    return { ok: false, problems: ["the file must be a mapping with `pools:` and/or `aliases:`"] };
  const problems: string[] = [];
  for (const key of Object.keys(doc)) {
    if (!(fleetConfigSections as readonly string[]).includes(key))
      problems.push(`unknown section "${key}": allowed are ${fleetConfigSections.join(", ")}`);
  }
  const { pools: rawPools, aliases: rawAliases } = doc as Record<string, unknown>;
  const pools = sectionList("pools", rawPools, problems);
  const aliasList = sectionList("aliases", rawAliases, problems);

  const checkedPools = pools === null ? null : parsePoolDefinitions(pools, labels);
  if (checkedPools && !checkedPools.ok) problems.push(...checkedPools.issues);
  const compiled = aliasList === null ? null : compileAliases(aliasList);
  if (compiled && !compiled.ok) problems.push(...compiled.issues);
  if (compiled?.ok && labels) problems.push(...aliasSpecProblems(compiled.aliases, labels));

  if (problems.length > 0 || !checkedPools?.ok || !compiled?.ok) return { ok: false, problems };
  // compileAliases accepted the list, so each entry has the alias shape.
  const aliases = v.parse(v.array(AliasConfigSchema), aliasList);
  return { ok: true, config: { pools: checkedPools.pools, aliases }, aliases: compiled.aliases };
}

/** Parses the file's YAML (or JSON) text, then checks it as `checkFleetConfig` does. */
export function parseFleetConfigText(text: string, labels?: LabelOptions): FleetConfigResult {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    // The YAML parser reports a syntax error only by throwing; its message names line and column.
    return { ok: false, problems: [`not valid YAML: ${err instanceof Error ? err.message : err}`] };
  }
  return checkFleetConfig(raw, labels);
}

/** A section's list: absent or empty means none; anything but a list is a problem. */
function sectionList(name: string, value: unknown, problems: string[]): unknown[] | null {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  problems.push(`${name}: must be a list`);
  return null;
}

/** Literal aliases' specs resolved like labels; a regex alias's spec depends on its captures. */
function aliasSpecProblems(aliases: readonly Alias[], labels: LabelOptions): string[] {
  const problems: string[] = [];
  aliases.forEach((alias, i) => {
    if (alias.kind !== "match") return;
    const label = alias.spec === "" ? "runs-fleet" : `runs-fleet/${alias.spec}`;
    const result = explainLabels([label], { ...labels, aliases: [] });
    if (result.outcome === "rejected")
      problems.push(`aliases.${i}.spec: ${rejectionReason(result.errors)}`);
  });
  return problems;
}
