import type { Logger } from "../../../shared/logger.ts";
import { type Alias, compileAliases } from "../../domain/aliases.ts";
import type { PoolDefinition } from "../../domain/pool-config.ts";
import type { Clock } from "../../ports/clock.ts";
import type { ConfigStore, ConfigVersion } from "../../ports/config-store.ts";
import type { PoolDefinitions } from "../../ports/pool-definitions.ts";

/** What is in effect at one moment: the active version (if any), its pools and aliases. */
export interface ConfigSnapshot {
  /** Null until a config is applied: the fleet file's pools and aliases are in effect. */
  version: ConfigVersion | null;
  pools: readonly PoolDefinition[];
  aliases: readonly Alias[];
}

/** The config in effect on this replica: pool definitions for the services, aliases for intake. */
export interface ActiveConfig extends PoolDefinitions {
  snapshot(): Promise<ConfigSnapshot>;
  aliases(): Promise<readonly Alias[]>;
  /** Takes a version this replica has just written, without waiting for the cache to expire. */
  adopt(version: ConfigVersion): void;
}

/** How long a replica trusts its copy of the active version before reading the store again. */
export const defaultConfigCacheMs = 10_000;

/**
 * The active config, read from the store at most once per `cacheMs` (replicas pick up a version
 * another one applied within that interval). Until a version exists, `base` (the fleet file's
 * pools and aliases) is in effect. When the store cannot be read, the last copy stays in use.
 */
export function createActiveConfig(deps: {
  store: ConfigStore;
  clock: Clock;
  logger: Logger;
  base: { pools: readonly PoolDefinition[]; aliases: readonly Alias[] };
  cacheMs?: number;
}): ActiveConfig {
  const cacheMs = deps.cacheMs ?? defaultConfigCacheMs;
  const baseSnapshot: ConfigSnapshot = { version: null, ...deps.base };
  let cached: { snapshot: ConfigSnapshot; readAt: number } | null = null;
  let reading: Promise<ConfigSnapshot> | null = null;

  const toSnapshot = (version: ConfigVersion | null): ConfigSnapshot => {
    if (version === null) return baseSnapshot;
    const compiled = compileAliases(version.config.aliases);
    // Stored configs were checked on apply; a failure here means the store holds something odd.
    if (!compiled.ok) throw new Error(`config version ${version.version}: ${compiled.issues}`);
    return { version, pools: version.config.pools, aliases: compiled.aliases };
  };

  const read = async (): Promise<ConfigSnapshot> => {
    try {
      const snapshot = toSnapshot(await deps.store.active());
      const previous = cached?.snapshot.version?.version;
      if (snapshot.version && snapshot.version.version !== previous)
        deps.logger.info("config version in effect", {
          version: snapshot.version.version,
          commit: snapshot.version.commit,
        });
      cached = { snapshot, readAt: deps.clock.now() };
      return snapshot;
    } catch (err) {
      if (cached === null) throw err;
      // Keep serving the last version read: an outage of the store must not drop pools or aliases.
      deps.logger.warn("could not read the active config, keeping the last one", { error: err });
      cached = { snapshot: cached.snapshot, readAt: deps.clock.now() };
      return cached.snapshot;
    } finally {
      reading = null;
    }
  };

  const snapshot = (): Promise<ConfigSnapshot> => {
    if (cached && deps.clock.now() - cached.readAt < cacheMs)
      return Promise.resolve(cached.snapshot);
    // One read at a time: concurrent callers share it.
    reading ??= read();
    return reading;
  };

  return {
    snapshot,
    aliases: async () => (await snapshot()).aliases,
    list: async () => [...(await snapshot()).pools],
    get: async (name) => (await snapshot()).pools.find((p) => p.name === name) ?? null,
    async origin() {
      const { version } = await snapshot();
      return version === null
        ? { source: "file", version: null }
        : {
            source: version.kind === "gitops" ? "gitops" : "file",
            version: String(version.version),
          };
    },
    adopt(version) {
      if ((cached?.snapshot.version?.version ?? 0) >= version.version) return;
      cached = { snapshot: toSnapshot(version), readAt: deps.clock.now() };
    },
  };
}
