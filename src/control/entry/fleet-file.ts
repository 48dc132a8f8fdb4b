import * as v from "valibot";
import { parse as parseYaml } from "yaml";
import { type Alias, compileAliases } from "../domain/aliases.ts";
import { ValidationError } from "../domain/errors.ts";
import { type PlacementConfig, PlacementConfigSchema } from "../domain/placement-config.ts";

const FleetFileSchema = v.strictObject({
  aliases: v.optional(v.array(v.unknown()), []),
  placement: v.optional(PlacementConfigSchema),
});

/** The structured part of configuration (YAML or JSON file), checked with every problem listed. */
export interface FleetFile {
  aliases: Alias[];
  /** Launch templates and subnets per region and environment; required in AWS mode. */
  placement: PlacementConfig | null;
}

/** Parses the config file's text; no file means defaults. */
export function parseFleetFile(text: string | undefined): FleetFile {
  if (text === undefined || text.trim() === "") return { aliases: [], placement: null };
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ValidationError("invalid config file", [
      err instanceof Error ? err.message : String(err),
    ]);
  }
  const parsed = v.safeParse(FleetFileSchema, raw ?? {});
  if (!parsed.success) {
    throw new ValidationError(
      "invalid config file",
      parsed.issues.map((i) => `${v.getDotPath(i) ?? "(top level)"}: ${i.message}`),
    );
  }
  const aliases = compileAliases(parsed.output.aliases);
  if (!aliases.ok)
    throw new ValidationError(
      "invalid config file",
      aliases.issues.map((i) => `aliases: ${i}`),
    );
  return { aliases: aliases.aliases, placement: parsed.output.placement ?? null };
}
