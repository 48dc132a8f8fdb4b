import type { Logger } from "../../../shared/logger.ts";
import type { Alias } from "../../domain/aliases.ts";
import type { LabelOptions } from "../../domain/labels-types.ts";
import type { PoolDefinition } from "../../domain/pool-config.ts";
import type { Clock } from "../../ports/clock.ts";
import type { ConfigStore } from "../../ports/config-store.ts";
import type { GitHubCommits } from "../../ports/github.ts";
import { type ActiveConfig, createActiveConfig } from "./active-config.ts";
import { type ApplyOutcome, applyConfig, type ConfigInput } from "./apply-config.ts";
import { createGitOps, type GitOps } from "./gitops.ts";

/** The config flow of one replica: what is in effect, how a config is applied, GitOps pushes. */
export interface ConfigService {
  active: ActiveConfig;
  /** Applies a config from any source (the local file's watcher, tests). */
  apply(input: ConfigInput): Promise<ApplyOutcome>;
  /** Present when a GitHub App can read the config repository. */
  gitops?: GitOps;
}

/** Builds the config flow over its store (and GitHub, when an App is configured). */
export function createConfigService(deps: {
  store: ConfigStore;
  commits?: GitHubCommits;
  clock: Clock;
  logger: Logger;
  /** Label options without aliases: specs in a config are checked as labels would be. */
  labels: Omit<LabelOptions, "aliases">;
  /** In effect until a config version exists: the fleet file's pools and aliases. */
  base: { pools: readonly PoolDefinition[]; aliases: readonly Alias[] };
  repository: { repo: string; path: string };
  cacheMs?: number;
}): ConfigService {
  const active = createActiveConfig({
    store: deps.store,
    clock: deps.clock,
    logger: deps.logger,
    base: deps.base,
    ...(deps.cacheMs === undefined ? {} : { cacheMs: deps.cacheMs }),
  });
  const applyDeps = {
    store: deps.store,
    clock: deps.clock,
    logger: deps.logger,
    labels: deps.labels,
    onApplied: active.adopt,
  };
  return {
    active,
    apply: (input) => applyConfig(applyDeps, input),
    ...(deps.commits
      ? { gitops: createGitOps({ ...applyDeps, ...deps.repository, commits: deps.commits }) }
      : {}),
  };
}
