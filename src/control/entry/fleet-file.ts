import * as v from "valibot";
import { parse as parseYaml } from "yaml";
import { type Alias, compileAliases } from "../domain/aliases.ts";
import { type CapacityLimits, CapacityLimitsSchema } from "../domain/capacity.ts";
import { ValidationError } from "../domain/errors.ts";
import { type PlacementConfig, PlacementConfigSchema } from "../domain/placement-config.ts";
import { type PoolDefinition, parsePoolDefinitions } from "../domain/pool-config.ts";
import { failed, ok, type Result } from "./result.ts";

const FleetFileSchema = v.strictObject({
  aliases: v.optional(v.array(v.unknown()), []),
  placement: v.optional(PlacementConfigSchema),
  pools: v.optional(v.array(v.unknown()), []),
  limits: v.optional(CapacityLimitsSchema),
});

/** The structured part of configuration (YAML or JSON file), checked with every problem listed. */
export interface FleetFile {
  aliases: Alias[];
  /** Launch templates and subnets per region and environment; required in AWS mode. */
  placement: PlacementConfig | null;
  /** Warm pools (shape checked here; specs are resolved once regions are known). */
  pools: PoolDefinition[];
  /** Concurrent-instance limits with priority (`limits:`); null: no limit. */
  limits: CapacityLimits | null;
}

/** Reads the config file's text into a FleetFile, or lists every problem; no file means defaults. */
export function readFleetFile(text: string | undefined): Result<FleetFile> {
  if (text === undefined || text.trim() === "")
    return ok({ aliases: [], placement: null, pools: [], limits: null });
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    // The YAML parser reports a syntax error only by throwing.
    return failed([`config file: ${err instanceof Error ? err.message : String(err)}`]);
  }
  const parsed = v.safeParse(FleetFileSchema, raw ?? {});
  if (!parsed.success)
    return failed(parsed.issues.map((i) => `${v.getDotPath(i) ?? "(top level)"}: ${i.message}`));
  const aliases = compileAliases(parsed.output.aliases);
  const pools = parsePoolDefinitions(parsed.output.pools);
  const problems = [
    ...(aliases.ok ? [] : aliases.issues.map((i) => `aliases: ${i}`)),
    ...(pools.ok ? [] : pools.issues),
  ];
  if (!aliases.ok || !pools.ok) return failed(problems);
  return ok({
    aliases: aliases.aliases,
    placement: parsed.output.placement ?? null,
    pools: pools.pools,
    limits: parsed.output.limits ?? null,
  });
}

/**
 * The same check for build tools (the Lambda packager, the stack's config writer), where a bad
 * file should stop the command: throws a ValidationError listing every problem.
 */
export function parseFleetFile(text: string | undefined): FleetFile {
  const result = readFleetFile(text);
  if (!result.ok) throw new ValidationError("invalid config file", result.problems);
  return result.value;
}
