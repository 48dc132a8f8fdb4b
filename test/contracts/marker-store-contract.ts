import { describe, expect, it } from "vitest";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import type { Clock } from "../../src/control/ports/clock.ts";
import type { MarkerStore } from "../../src/control/ports/marker-store.ts";

/** A whole second, so that a TTL in seconds ends exactly `ttl * 1000` ms later. */
const t0 = Date.parse("2026-05-01T00:00:00.000Z");

/** What every MarkerStore does; `make` returns an empty store reading time from `clock`. */
export function markerStoreContract(name: string, make: (clock: Clock) => Promise<MarkerStore>) {
  describe(`${name}: marker store contract`, () => {
    it("gives back what was put, replaces it, and answers null for a missing name", async () => {
      const store = await make(fixedClock(t0));
      expect(await store.get("force-on-demand:1")).toBeNull();
      await store.put("force-on-demand:1", { reason: "interrupted", retry: 1, on: true }, 60);
      expect(await store.get("force-on-demand:1")).toEqual({
        reason: "interrupted",
        retry: 1,
        on: true,
      });
      await store.put("force-on-demand:1", { retry: 2 }, 60);
      expect(await store.get("force-on-demand:1")).toEqual({ retry: 2 });
      expect(await store.get("force-on-demand:2")).toBeNull();
    });

    it("forgets a marker once its time to live has passed", async () => {
      const clock = fixedClock(t0);
      const store = await make(clock);
      await store.put("expiring", { n: 1 }, 60);
      clock.advance(59_999);
      expect(await store.get("expiring")).toEqual({ n: 1 });
      clock.advance(1);
      expect(await store.get("expiring")).toBeNull();
      // A new put brings it back for a new time to live.
      await store.put("expiring", { n: 2 }, 1);
      expect(await store.get("expiring")).toEqual({ n: 2 });
    });

    it("counts the time to live from the whole second a marker was put in", async () => {
      const clock = fixedClock(t0 + 900);
      const store = await make(clock);
      await store.put("rounded", { n: 1 }, 2);
      clock.set(t0 + 1_999);
      expect(await store.get("rounded")).toEqual({ n: 1 });
      clock.set(t0 + 2_000);
      expect(await store.get("rounded")).toBeNull();
    });

    it("hands out copies: changing a returned value changes nothing stored", async () => {
      const store = await make(fixedClock(t0));
      await store.put("copy", { n: 1 }, 60);
      const read = await store.get("copy");
      if (read) read.n = 2;
      expect(await store.get("copy")).toEqual({ n: 1 });
    });
  });
}
