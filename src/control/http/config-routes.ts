import { Hono } from "hono";
import type { ConfigStore } from "../ports/config-store.ts";
import type { ActiveConfig } from "../services/config/active-config.ts";

/**
 * `GET /api/config`: the version in effect on this replica (number, commit, source, when it was
 * applied, its pools and aliases), the newest one stored, and the last refused config with every
 * problem; before any version, the fleet file's pools and aliases are in effect.
 */
export function configRoutes(deps: { active: ActiveConfig; store: ConfigStore }) {
  const app = new Hono();
  app.get("/api/config", async (c) => {
    const [snapshot, latest, refused] = await Promise.all([
      deps.active.snapshot(),
      deps.store.active(),
      deps.store.lastRefusal(),
    ]);
    const { version } = snapshot;
    return c.json({
      active:
        version === null
          ? { source: "config file", version: null, commit: null, appliedAt: null }
          : {
              version: version.version,
              kind: version.kind,
              source: version.source,
              commit: version.commit,
              appliedAt: version.appliedAt,
              pools: version.config.pools,
              aliases: version.config.aliases,
            },
      // A replica takes a newer stored version within its cache interval.
      latestStored: latest?.version ?? null,
      lastRefused: refused,
    });
  });
  return app;
}
