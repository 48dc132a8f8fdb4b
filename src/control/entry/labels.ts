import { readFile } from "node:fs/promises";
import type { Config } from "../config.ts";
import { createLabelResolver, type ResolveLabels } from "../services/label-resolver.ts";
import { parseFleetFile } from "./fleet-file.ts";

/** Reads the config file (if any) and builds the label resolver for Node. */
export async function loadLabelResolver(config: Config): Promise<ResolveLabels> {
  const text = config.configFile ? await readFile(config.configFile, "utf8") : undefined;
  const fleet = parseFleetFile(text);
  return createLabelResolver({
    regions: config.regions,
    defaultRegion: config.region,
    environments: config.environments,
    aliases: fleet.aliases,
  });
}
