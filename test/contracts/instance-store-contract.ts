import { describe, expect, it } from "vitest";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { ConflictError, ValidationError } from "../../src/control/domain/errors.ts";
import type { Instance } from "../../src/control/domain/instance.ts";
import type { Clock } from "../../src/control/ports/clock.ts";
import type { InstanceStore } from "../../src/control/ports/instance-store.ts";
import { sampleInstance as baseInstance } from "../support/instances.ts";

const NOW = "2026-03-01T00:00:00.000Z";

/** An instance record with defaults; override what the test is about. */
export function sampleInstance(id: string, over: Partial<Instance> = {}): Instance {
  return baseInstance(id, { launchedAt: NOW, updatedAt: NOW, ...over });
}

/** What every InstanceStore does; `make` returns an empty store whose writes use `clock`. */
export function instanceStoreContract(
  name: string,
  make: (clock: Clock) => Promise<InstanceStore>,
) {
  const store = () => make(fixedClock(Date.parse("2026-03-01T00:05:00.000Z")));

  describe(`${name}: instance store contract`, () => {
    it("creates once and reads back exactly; a duplicate changes nothing", async () => {
      const s = await store();
      expect(await s.create(sampleInstance("i-1"))).toEqual({
        created: true,
        instance: sampleInstance("i-1"),
      });
      expect(await s.create(sampleInstance("i-1", { jobId: "2" }))).toEqual({
        created: false,
        instance: sampleInstance("i-1"),
      });
      expect(await s.get("i-1")).toEqual(sampleInstance("i-1"));
      expect(await s.get("i-none")).toBeNull();
    });

    it("updates on version, clears null fields, and refuses stale or unknown writes", async () => {
      const s = await store();
      await s.create(sampleInstance("i-2"));
      const up = await s.update("i-2", 1, { state: "running", startedAt: NOW });
      expect(up).toMatchObject({
        state: "running",
        startedAt: NOW,
        jobId: "1",
        version: 2,
        updatedAt: "2026-03-01T00:05:00.000Z",
      });
      await expect(s.update("i-2", 1, { state: "offline" })).rejects.toBeInstanceOf(ConflictError);
      const cleared = await s.update("i-2", 2, { jobId: null });
      expect(cleared.jobId).toBeNull();
      expect(await s.get("i-2")).toEqual(cleared);
      await expect(s.update("i-404", 1, { state: "offline" })).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect(await s.get("i-404")).toBeNull();
    });

    it("keeps the newest heartbeat, never bumps the version, ignores unknown instances", async () => {
      const s = await store();
      await s.create(sampleInstance("i-3"));
      await s.heartbeat("i-3", "2026-03-01T00:01:00.000Z");
      await s.heartbeat("i-3", "2026-03-01T00:00:30.000Z");
      await s.heartbeat("i-unknown", "2026-03-01T00:00:30.000Z");
      expect(await s.get("i-3")).toMatchObject({
        lastHeartbeatAt: "2026-03-01T00:01:00.000Z",
        version: 1,
      });
      expect(await s.get("i-unknown")).toBeNull();
      // A heartbeat between a read and a versioned write does not make the write lose.
      expect(await s.update("i-3", 1, { state: "running" })).toMatchObject({ version: 2 });
    });

    it("removes only at the version read", async () => {
      const s = await store();
      await s.create(sampleInstance("i-4", { state: "terminated" }));
      await expect(s.remove("i-4", 5)).rejects.toBeInstanceOf(ConflictError);
      await s.remove("i-4", 1);
      expect(await s.get("i-4")).toBeNull();
      await expect(s.remove("i-4", 1)).rejects.toBeInstanceOf(ConflictError);
    });

    it("lists by state, oldest launch first, page by page; and all instances", async () => {
      const s = await store();
      const at = (sec: number) => `2026-03-01T00:00:0${sec}.000Z`;
      await s.create(sampleInstance("i-5", { state: "standby", launchedAt: at(3) }));
      await s.create(sampleInstance("i-6", { state: "standby", launchedAt: at(1) }));
      await s.create(sampleInstance("i-7", { state: "standby", launchedAt: at(2) }));
      await s.create(sampleInstance("i-8", { state: "running", launchedAt: at(0) }));
      const first = await s.list({ state: "standby", limit: 2 });
      expect(first.instances.map((i) => i.instanceId)).toEqual(["i-6", "i-7"]);
      const second = await s.list({
        state: "standby",
        limit: 2,
        ...(first.next ? { cursor: first.next } : {}),
      });
      expect(second.instances.map((i) => i.instanceId)).toEqual(["i-5"]);
      expect(second.next).toBeUndefined();
      const all = await s.list({ limit: 10 });
      expect(all.instances.map((i) => i.instanceId)).toEqual(["i-8", "i-6", "i-7", "i-5"]);
      await expect(s.list({ limit: 1, cursor: "%%%" })).rejects.toBeInstanceOf(ValidationError);
    });

    it("lists only pool members, of one pool when named, following every page", async () => {
      const s = await store();
      const at = (sec: number) => `2026-03-01T00:00:0${sec}.000Z`;
      await s.create(sampleInstance("i-10", { state: "running", launchedAt: at(0) }));
      await s.create(sampleInstance("i-11", { state: "running", pool: "fast", launchedAt: at(1) }));
      await s.create(sampleInstance("i-12", { state: "running", launchedAt: at(2) }));
      await s.create(sampleInstance("i-13", { state: "running", pool: "slow", launchedAt: at(3) }));
      await s.create(sampleInstance("i-14", { state: "standby", pool: "fast", launchedAt: at(4) }));
      await s.create(sampleInstance("i-15", { state: "running", pool: "fast", launchedAt: at(5) }));
      // Pages may come back short (a filter applies after a page is read): follow `next`.
      const every = async (query: Parameters<InstanceStore["list"]>[0]) => {
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await s.list({ ...query, ...(cursor ? { cursor } : {}) });
          ids.push(...page.instances.map((i) => i.instanceId));
          cursor = page.next;
        } while (cursor);
        return ids;
      };
      expect(await every({ state: "running", limit: 2, pool: {} })).toEqual([
        "i-11",
        "i-13",
        "i-15",
      ]);
      expect(await every({ state: "running", limit: 2, pool: { name: "fast" } })).toEqual([
        "i-11",
        "i-15",
      ]);
      // A listing of every state is a scan: ordered within a page only.
      expect((await every({ limit: 2, pool: { name: "fast" } })).sort()).toEqual([
        "i-11",
        "i-14",
        "i-15",
      ]);
      expect(await every({ state: "running", limit: 2, pool: { name: "none" } })).toEqual([]);
    });
  });
}
