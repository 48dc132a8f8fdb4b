import { describe, expect, it } from "vitest";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { ConflictError, ValidationError } from "../../src/control/domain/errors.ts";
import type { Clock } from "../../src/control/ports/clock.ts";
import type { JobStore } from "../../src/control/ports/job-store.ts";
import { sampleJob } from "../support/jobs.ts";

/** The time every contract store writes `updatedAt` with. */
export const CONTRACT_NOW = "2026-02-01T00:00:00.000Z";

/** What every JobStore does; `make` returns an empty store whose writes use `clock`. */
export function jobStoreContract(name: string, make: (clock: Clock) => Promise<JobStore>) {
  const store = () => make(fixedClock(Date.parse(CONTRACT_NOW)));

  describe(`${name}: job store contract`, () => {
    it("creates once; a duplicate create changes nothing and returns the stored job", async () => {
      const s = await store();
      const job = sampleJob({ jobId: "101" });
      expect(await s.create(job)).toEqual({ created: true, job });
      const again = await s.create({ ...job, deliveryIds: ["other"], labels: ["x"] });
      expect(again).toEqual({ created: false, job });
      expect(await s.get("101")).toEqual(job);
      expect(await s.get("999")).toBeNull();
    });

    it("hands out copies: changing a returned job changes nothing stored", async () => {
      const s = await store();
      await s.create(sampleJob({ jobId: "102" }));
      const read = await s.get("102");
      read?.labels.push("changed");
      if (read) read.status = "failed";
      expect(await s.get("102")).toEqual(sampleJob({ jobId: "102" }));
    });

    it("transitions with a version and state check; null clears a field, absent keeps it", async () => {
      const s = await store();
      await s.create(sampleJob({ jobId: "103", reason: "kept" }));
      const launching = await s.transition("103", {
        from: "queued",
        to: "launching",
        expectedVersion: 1,
      });
      expect(launching).toMatchObject({ status: "launching", version: 2, updatedAt: CONTRACT_NOW });
      expect(launching.reason).toBe("kept");
      await expect(
        s.transition("103", { from: "queued", to: "launching", expectedVersion: 1 }),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(
        s.transition("103", { from: "queued", to: "launching", expectedVersion: 2 }),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(
        s.transition("103", { from: "launching", to: "rejected", expectedVersion: 2 }),
      ).rejects.toThrow(/not an allowed transition/);
      const launched = await s.transition("103", {
        from: "launching",
        to: "launched",
        expectedVersion: 2,
        patch: { instanceId: "i-0abc" },
      });
      expect(launched).toMatchObject({ instanceId: "i-0abc", reason: "kept", version: 3 });
      expect(await s.byInstance("i-0abc")).toEqual([launched]);
      const back = await s.transition("103", {
        from: "launched",
        to: "queued",
        expectedVersion: 3,
        patch: { instanceId: null, reason: null, retryCount: 1 },
      });
      expect(back).toMatchObject({ instanceId: null, reason: null, retryCount: 1, version: 4 });
      expect(await s.get("103")).toEqual(back);
      expect(await s.byInstance("i-0abc")).toEqual([]);
    });

    it("refuses to transition a job it does not hold", async () => {
      const s = await store();
      await expect(
        s.transition("404", { from: "queued", to: "launching", expectedVersion: 1 }),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await s.get("404")).toBeNull();
    });

    it("lets exactly one of many concurrent claims win", async () => {
      const s = await store();
      await s.create(sampleJob({ jobId: "104" }));
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () =>
          s.transition("104", { from: "queued", to: "launching", expectedVersion: 1 }),
        ),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(
        results.filter((r) => r.status === "rejected" && r.reason instanceof ConflictError),
      ).toHaveLength(7);
    });

    it("lists by status, newest update first, page by page", async () => {
      const s = await store();
      for (const id of ["201", "202", "203"])
        await s.create(
          sampleJob({
            jobId: id,
            status: "rejected",
            updatedAt: `2026-01-01T00:00:0${id[2]}.000Z`,
          }),
        );
      await s.create(sampleJob({ jobId: "204" }));
      const first = await s.list({ status: "rejected", limit: 2 });
      expect(first.jobs.map((j) => j.jobId)).toEqual(["203", "202"]);
      expect(first.next).toEqual(expect.any(String));
      const second = await s.list({
        status: "rejected",
        limit: 2,
        ...(first.next ? { cursor: first.next } : {}),
      });
      expect(second.jobs.map((j) => j.jobId)).toEqual(["201"]);
      expect(second.next).toBeUndefined();
      const all = await s.list({ limit: 10 });
      expect(all.jobs.map((j) => j.jobId)).toEqual(["203", "202", "201", "204"]);
      await expect(s.list({ limit: 2, cursor: "%%%" })).rejects.toBeInstanceOf(ValidationError);
    });

    it("lists a state's jobs updated before a time, oldest first, page by page", async () => {
      const s = await store();
      const at = (sec: number) => `2026-01-01T00:00:${String(sec).padStart(2, "0")}.000Z`;
      await s.create(sampleJob({ jobId: "301", updatedAt: at(30) }));
      await s.create(sampleJob({ jobId: "302", updatedAt: at(10) }));
      await s.create(sampleJob({ jobId: "303", updatedAt: at(20) }));
      await s.create(sampleJob({ jobId: "304", updatedAt: at(50) }));
      await s.create(sampleJob({ jobId: "305", status: "running", updatedAt: at(5) }));
      const first = await s.listUpdatedBefore({
        status: "queued",
        updatedBefore: at(40),
        limit: 2,
      });
      expect(first.jobs.map((j) => j.jobId)).toEqual(["302", "303"]);
      const second = await s.listUpdatedBefore({
        status: "queued",
        updatedBefore: at(40),
        limit: 2,
        ...(first.next ? { cursor: first.next } : {}),
      });
      expect(second.jobs.map((j) => j.jobId)).toEqual(["301"]);
      expect(second.next).toBeUndefined();
      await expect(
        s.listUpdatedBefore({ status: "queued", updatedBefore: at(40), limit: 1, cursor: "x!" }),
      ).rejects.toBeInstanceOf(ValidationError);
    });

    it("stamps a re-send on a queued job only, version-checked", async () => {
      const s = await store();
      await s.create(sampleJob({ jobId: "401" }));
      const stamped = await s.touchEnqueued("401", 1, "2026-01-31T00:00:00.000Z");
      expect(stamped).toMatchObject({
        status: "queued",
        version: 2,
        lastEnqueuedAt: "2026-01-31T00:00:00.000Z",
        updatedAt: CONTRACT_NOW,
      });
      await expect(s.touchEnqueued("401", 1, CONTRACT_NOW)).rejects.toBeInstanceOf(ConflictError);
      await s.transition("401", { from: "queued", to: "launching", expectedVersion: 2 });
      await expect(s.touchEnqueued("401", 3, CONTRACT_NOW)).rejects.toBeInstanceOf(ConflictError);
      await expect(s.touchEnqueued("404", 1, CONTRACT_NOW)).rejects.toBeInstanceOf(ConflictError);
    });

    it("removes a job only at the version read", async () => {
      const s = await store();
      await s.create(sampleJob({ jobId: "501", status: "completed" }));
      await expect(s.remove("501", 2)).rejects.toBeInstanceOf(ConflictError);
      expect(await s.get("501")).not.toBeNull();
      await s.remove("501", 1);
      expect(await s.get("501")).toBeNull();
      await expect(s.remove("501", 1)).rejects.toBeInstanceOf(ConflictError);
    });

    it("keeps each state change in the job's timeline, the last 50 only", async () => {
      const s = await store();
      await s.create(sampleJob({ jobId: "601" }));
      let job = await s.transition("601", {
        from: "queued",
        to: "launching",
        expectedVersion: 1,
      });
      job = await s.transition("601", {
        from: "launching",
        to: "launched",
        expectedVersion: 2,
        patch: { instanceId: "i-0tl", reason: "spot: cheapest" },
      });
      expect(job.timeline).toEqual([
        { at: CONTRACT_NOW, from: "queued", to: "launching", reason: null, instanceId: null },
        {
          at: CONTRACT_NOW,
          from: "launching",
          to: "launched",
          reason: "spot: cheapest",
          instanceId: "i-0tl",
        },
      ]);
      expect(await s.get("601")).toEqual(job);
      // Back and forth until more changes happened than the timeline keeps.
      for (let v = 3; v <= 60; v++) {
        const from = job.status;
        const to = from === "launched" ? "queued" : from === "queued" ? "launching" : "launched";
        job = await s.transition("601", { from, to, expectedVersion: v });
      }
      const kept = (await s.get("601"))?.timeline ?? [];
      expect(kept).toHaveLength(50);
      expect(kept.at(-1)).toMatchObject({ from: "launched", to: "queued" });
      // Oldest first: the first kept is the 11th change (60 changes, 50 kept).
      const changes = ["queued", "launching", "launched"] as const;
      expect(kept.map((e) => e.to)).toEqual(
        Array.from({ length: 50 }, (_, i) => changes[(i + 11) % 3]),
      );
    });

    it("answers ping", async () => {
      await expect((await store()).ping()).resolves.toBeUndefined();
    });
  });
}
