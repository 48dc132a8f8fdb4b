import { describe, expect, it } from "vitest";
import type { ConfigStore, ConfigVersion } from "../../src/control/ports/config-store.ts";

const version = (n: number, commit: string): ConfigVersion => ({
  version: n,
  commit,
  kind: "gitops",
  source: "acme/.github-private:.github/runs-fleet.yml",
  appliedAt: `2026-04-01T00:00:0${n}.000Z`,
  config: {
    pools: [
      {
        name: "linux-arm",
        spec: "cpu=4/arch=arm64",
        hot: 2,
        stopped: 4,
        idleTimeoutMinutes: 30,
        schedules: [
          {
            cron: "0 8 * * 1-5",
            until: "0 19 * * 1-5",
            timezone: "Europe/Berlin",
            hot: 6,
            stopped: 10,
          },
        ],
        spot: false,
        max: null,
      },
    ],
    aliases: [{ match: "linux-large", spec: "cpu=8" }],
  },
});

/** What every ConfigStore does; `make` opens replicas sharing one empty config table. */
export function configStoreContract(name: string, make: () => Promise<() => ConfigStore>) {
  describe(`${name}: config store contract`, () => {
    it("has no active version before the first, then the highest one written", async () => {
      const store = (await make())();
      expect(await store.active()).toBeNull();
      expect(await store.create(version(1, "a".repeat(40)))).toBe(true);
      expect(await store.create(version(2, "b".repeat(40)))).toBe(true);
      expect(await store.active()).toEqual(version(2, "b".repeat(40)));
    });

    it("writes each version number once: of racing replicas, one wins and nothing is overwritten", async () => {
      const replica = await make();
      const stores = Array.from({ length: 6 }, () => replica());
      const won = await Promise.all(stores.map((s, i) => s.create(version(1, `${i}`.repeat(40)))));
      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = won.indexOf(true);
      expect((await stores[0]?.active())?.commit).toBe(`${winner}`.repeat(40));
    });

    it("keeps the last refusal, replacing the one before", async () => {
      const store = (await make())();
      expect(await store.lastRefusal()).toBeNull();
      const refusal = {
        commit: "c".repeat(40),
        source: "acme/.github-private:.github/runs-fleet.yml",
        refusedAt: "2026-04-01T00:00:00.000Z",
        problems: ["pools.0.hot: Invalid type"],
      };
      await store.recordRefusal(refusal);
      await store.recordRefusal({ ...refusal, problems: ["a", "b"] });
      expect(await store.lastRefusal()).toEqual({ ...refusal, problems: ["a", "b"] });
      // A refusal is not a version.
      expect(await store.active()).toBeNull();
    });
  });
}
