import type { GitHubConfig } from "../adapters/github/config.ts";
import { githubConfigFromEnv } from "../adapters/github/config.ts";
import { localPlacementConfig } from "../adapters/local/local-placement.ts";
import type { Alias } from "../domain/aliases.ts";
import type { CapacityLimits } from "../domain/capacity.ts";
import { defaultCatalog } from "../domain/catalog-default.ts";
import type { PlacementConfig } from "../domain/placement-config.ts";
import { configuredRegions } from "../domain/placement-regions.ts";
import { type PoolDefinition, resolvePoolSpec } from "../domain/pool-config.ts";
import { type AwsConfig, type Env, type LocalConfig, parseConfig, readVariable } from "./config.ts";
import { type CostSettings, costSettingsFrom } from "./cost-settings.ts";
import { readFleetFile } from "./fleet-file.ts";
import { failed, ok, type Result } from "./result.ts";

const awsOnlyProblem = "RUNS_FLEET_MODE: this runtime runs AWS mode only";

/** Settings both modes have once their configuration is accepted. */
interface CommonSettings {
  aliases: readonly Alias[];
  /** Launch templates and subnets: the config file's in AWS mode, stand-ins in local mode. */
  placement: PlacementConfig;
  /** Warm pools of the fleet file, each spec resolved like a label. */
  pools?: readonly PoolDefinition[];
  /** Concurrent-instance limits of the fleet file (`limits:`); null or absent: none. */
  limits?: CapacityLimits | null;
  /** The daily cost report: when, and where it goes. */
  cost: CostSettings;
}

/** Local mode: embedded AWS stand-ins, agents as local processes, GitHub App optional. */
export interface LocalSettings extends CommonSettings {
  mode: "local";
  config: LocalConfig;
  /** null: no App configured, so agents simulate each job (dry run). */
  github: GitHubConfig | null;
  /** What local agent processes inherit from this one's environment. */
  agentEnv: { PATH: string; HOME: string; RUNS_FLEET_DEBUG_MINUTE_SECONDS?: string };
}

/** AWS mode: everything it needs is present. */
export interface AwsSettings extends CommonSettings {
  mode: "aws";
  config: AwsConfig;
  github: GitHubConfig;
}

/** Typed, complete settings: the only thing the composition reads configuration from. */
export type Settings = LocalSettings | AwsSettings;

/** Where settings come from. */
export interface SettingsSource {
  env: Env;
  /** Reads files the environment names (the config file, GitHub App keys); throws if it cannot. */
  readTextFile: (path: string) => string;
  /** The config file's text, when the caller holds it already; else RUNS_FLEET_CONFIG_FILE is read. */
  fleetFileText?: string;
  /** Runtimes that run AWS mode only (Deno, Lambda): it is the default and local is refused. */
  awsOnly?: boolean;
}

/**
 * Turns the environment and the config file into settings, or lists every problem at once: bad
 * variables, a bad config file, a missing or invalid GitHub App, AWS mode's missing pieces.
 */
export function loadSettings(source: SettingsSource): Result<Settings> {
  const env = source.awsOnly
    ? { ...source.env, RUNS_FLEET_MODE: source.env.RUNS_FLEET_MODE || "aws" }
    : source.env;
  const mode = readVariable(env, "RUNS_FLEET_MODE");
  const config = parseConfig(env);
  const text = fleetFileText(source, env);
  const fleet = text.ok ? readFleetFile(text.value) : text;
  const github = githubConfigFromEnv(env, source.readTextFile);
  const cost = costSettingsFrom(env, { mode: mode === "aws" ? "aws" : "local" });
  const problems = [
    ...(cost.ok ? [] : cost.problems),
    ...(config.ok ? [] : config.problems),
    ...(fleet.ok ? [] : fleet.problems.map((p) => `config file: ${p}`)),
    ...(github.ok ? [] : github.issues),
  ];
  if (source.awsOnly && mode === "local") problems.push(awsOnlyProblem);
  if (mode === "aws" && fleet.ok && !fleet.value.placement)
    problems.push(
      "RUNS_FLEET_CONFIG_FILE: a `placement` section (launch templates, subnets) is required in AWS mode",
    );
  if (mode === "aws" && config.ok && fleet.ok && fleet.value.placement)
    problems.push(...unplacedRegions(config.value.regions, fleet.value.placement));
  if (config.ok && fleet.ok) {
    const labels = {
      catalog: defaultCatalog,
      regions: config.value.regions,
      defaultRegion: config.value.region,
      environments: config.value.environments,
    };
    fleet.value.pools.forEach((pool, i) => {
      const resolved = resolvePoolSpec(pool, labels);
      if (!resolved.ok) problems.push(`config file: pools.${i}.spec: ${resolved.reason}`);
    });
  }
  if (mode === "aws" && github.ok && !github.config)
    problems.push("RUNS_FLEET_GITHUB_APP_ID: a GitHub App is required in AWS mode");
  if (problems.length > 0 || !config.ok || !fleet.ok || !github.ok || !cost.ok)
    return failed(problems);

  const { aliases, placement, pools, limits } = fleet.value;
  if (config.value.mode === "local") {
    const local = config.value;
    return ok({
      mode: "local",
      config: local,
      cost: cost.value,
      aliases,
      pools,
      limits,
      placement: localPlacementConfig(local.region, local.environments),
      github: github.config,
      agentEnv: {
        PATH: env.PATH ?? "",
        HOME: env.HOME ?? "",
        // Test-only: a shorter minute for `debug=` holds, passed on to local agents.
        ...(env.RUNS_FLEET_DEBUG_MINUTE_SECONDS
          ? { RUNS_FLEET_DEBUG_MINUTE_SECONDS: env.RUNS_FLEET_DEBUG_MINUTE_SECONDS }
          : {}),
      },
    });
  }
  // Both were required above in AWS mode; this check only narrows their types.
  if (!placement || !github.config) return failed(problems);
  return ok({
    mode: "aws",
    config: config.value,
    cost: cost.value,
    aliases,
    pools,
    limits,
    placement,
    github: github.config,
  });
}

/** Settings for runtimes that run AWS mode only (Deno, Lambda): AWS is the default, local refused. */
export function loadAwsSettings(source: Omit<SettingsSource, "awsOnly">): Result<AwsSettings> {
  const loaded = loadSettings({ ...source, awsOnly: true });
  if (!loaded.ok) return loaded;
  // loadSettings already refused local mode; this only tells the type so.
  return loaded.value.mode === "aws" ? ok(loaded.value) : failed([awsOnlyProblem]);
}

/** A region `region=` may name needs its launch templates and subnets in the placement section. */
function unplacedRegions(regions: readonly string[], placement: PlacementConfig): string[] {
  const placed = new Set(configuredRegions(placement));
  return regions
    .filter((r) => !placed.has(r))
    .map(
      (r) =>
        `RUNS_FLEET_REGIONS: ${r} has no launch templates and subnets in the config file (placement.regions.${r})`,
    );
}

/** The config file's text: given, read from RUNS_FLEET_CONFIG_FILE, or none. */
function fleetFileText(source: SettingsSource, env: Env): Result<string | undefined> {
  if (source.fleetFileText !== undefined) return ok(source.fleetFileText);
  const path = readVariable(env, "RUNS_FLEET_CONFIG_FILE");
  if (path === undefined) return ok(undefined);
  try {
    return ok(source.readTextFile(path));
  } catch (err) {
    // Reading a file reports failure only by throwing.
    const reason = err instanceof Error ? err.message : String(err);
    return failed([`cannot read ${path} (RUNS_FLEET_CONFIG_FILE): ${reason}`]);
  }
}
