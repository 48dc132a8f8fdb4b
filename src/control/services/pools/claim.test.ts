import { describe, expect, it } from "vitest";
import { hotPoolMember as hot } from "../../../../test/support/instances.ts";
import { silentLogger } from "../../../shared/logger.ts";
import { fixedClock } from "../../adapters/clock.ts";
import { createMemoryInstanceStore } from "../../adapters/memory/instance-store.ts";
import { ConflictError } from "../../domain/errors.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";
import { claimMember } from "./claim.ts";

const t0 = Date.parse("2026-03-01T00:10:00.000Z");
const health = { heartbeatTimeoutMs: 90_000, bootGraceMs: 300_000 };
/** A store whose claims all lose (as if other jobs won each race), recording what was tried. */
function losingStore(inner: InstanceStore, tried: string[]): InstanceStore {
  return {
    ...inner,
    async update(instanceId) {
      tried.push(instanceId);
      throw new ConflictError(`${instanceId} was taken`);
    },
  };
}

describe("claimMember", () => {
  it("starts each job at a member its id picks, and tries every member before giving up", async () => {
    const inner = createMemoryInstanceStore({ clock: fixedClock(t0) });
    const ids = ["i-a", "i-b", "i-c", "i-d"];
    for (const id of ids) await inner.create(hot(id));
    const firsts = new Set<string>();
    for (const jobId of ["101", "102", "103", "104", "105", "106", "107", "108"]) {
      const tried: string[] = [];
      const deps = {
        instances: losingStore(inner, tried),
        compute: { start: async () => {}, terminate: async () => {}, describe: async () => [] },
        clock: fixedClock(t0),
        logger: silentLogger,
        health,
      };
      expect(await claimMember(deps, "linux", jobId)).toBeNull();
      expect([...tried].sort()).toEqual(ids);
      firsts.add(tried[0]!);
      // The same job starts at the same member every time.
      const again: string[] = [];
      await claimMember({ ...deps, instances: losingStore(inner, again) }, "linux", jobId);
      expect(again).toEqual(tried);
    }
    // Jobs claiming together do not all reach for the same member first.
    expect(firsts.size).toBeGreaterThan(1);
  });

  it("claims a free member when it is there", async () => {
    const instances = createMemoryInstanceStore({ clock: fixedClock(t0) });
    await instances.create(hot("i-a"));
    const deps = {
      instances,
      compute: { start: async () => {}, terminate: async () => {}, describe: async () => [] },
      clock: fixedClock(t0),
      logger: silentLogger,
      health,
    };
    const claim = await claimMember(deps, "linux", "201");
    expect(claim).toMatchObject({ from: "hot", instance: { instanceId: "i-a", jobId: "201" } });
    expect(await claimMember(deps, "linux", "202")).toBeNull();
  });
});
