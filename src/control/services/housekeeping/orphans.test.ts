import { describe, expect, it } from "vitest";
import { sampleJob } from "../../../../test/support/jobs.ts";
import type { Instance } from "../../domain/instance.ts";
import { FleetTag } from "../../domain/launch-slot.ts";
import type { InstanceInfo } from "../../ports/compute.ts";
import { debugUntil, orphanReason } from "./orphans.ts";

const iso = (ms: number) => new Date(ms).toISOString();

const t0 = Date.parse("2026-05-01T00:00:00Z");
const grace = 600_000;
const info = (over: Partial<InstanceInfo> = {}): InstanceInfo => ({
  instanceId: "i-1",
  instanceType: "c7g.large",
  market: "spot",
  state: "running",
  az: "us-east-1a",
  subnetId: null,
  launchedAt: t0,
  tags: { [FleetTag.managed]: "true" },
  ...over,
});
const record = (over: Partial<Instance> = {}): Instance => ({
  instanceId: "i-1",
  jobId: "7",
  pool: null,
  instanceType: "c7g.large",
  market: "spot",
  region: "us-east-1",
  az: null,
  env: "default",
  state: "running",
  reason: null,
  launchedAt: new Date(t0).toISOString(),
  updatedAt: new Date(t0).toISOString(),
  lastHeartbeatAt: null,
  startedAt: null,
  terminatedAt: null,
  version: 1,
  ...over,
});
const bound = sampleJob({ jobId: "7", status: "running", instanceId: "i-1" });
const late = t0 + grace + 1;

describe("orphanReason", () => {
  it("keeps a machine its live job is bound to", () => {
    expect(
      orphanReason({ instance: info(), record: record(), job: bound, now: late, graceMs: grace }),
    ).toBeNull();
  });

  it("spares young machines and machines of unknown age", () => {
    const none = { instance: info(), record: null, job: null, graceMs: grace };
    expect(orphanReason({ ...none, now: t0 + grace - 1 })).toBeNull();
    expect(orphanReason({ ...none, instance: info({ launchedAt: null }), now: late })).toBeNull();
    // The provider does not know the launch time, the record does.
    expect(
      orphanReason({
        ...none,
        instance: info({ launchedAt: null }),
        record: record({ jobId: null }),
        now: late,
      }),
    ).toBe("no job");
  });

  it("names why a machine is not wanted", () => {
    const f = { instance: info(), now: late, graceMs: grace };
    expect(orphanReason({ ...f, record: null, job: null })).toBe("no instance record");
    expect(orphanReason({ ...f, record: record({ state: "offline" }), job: bound })).toBe(
      "recorded as offline",
    );
    expect(orphanReason({ ...f, record: record(), job: null })).toBe("job 7 is unknown");
    expect(orphanReason({ ...f, record: record(), job: { ...bound, status: "cancelled" } })).toBe(
      "job 7 is cancelled",
    );
    expect(orphanReason({ ...f, record: record(), job: { ...bound, instanceId: null } })).toBe(
      "job 7 is bound to no instance",
    );
  });

  it("leaves waiting pool instances to the pool manager, but not pool instances whose job ended", () => {
    const pooled = info({ tags: { [FleetTag.managed]: "true", [FleetTag.pool]: "warm" } });
    const f = { instance: pooled, now: late, graceMs: grace };
    // No record: no pool owns it (its launch never got recorded).
    expect(orphanReason({ ...f, record: null, job: null })).toBe("no instance record");
    const waiting = record({ pool: "warm", jobId: null, state: "standby" });
    expect(orphanReason({ ...f, record: waiting, job: null, pools: new Set(["warm"]) })).toBeNull();
    expect(orphanReason({ ...f, record: waiting, job: null, pools: new Set(["cold"]) })).toBe(
      "pool warm is not defined",
    );
    expect(
      orphanReason({
        ...f,
        record: record({ pool: "warm", jobId: null, state: "standby" }),
        job: null,
      }),
    ).toBeNull();
    expect(
      orphanReason({
        ...f,
        record: record({ pool: "warm" }),
        job: { ...bound, status: "completed" },
      }),
    ).toBe("job 7 is completed");
  });

  it("leaves a debug= instance for its minutes after the job, then calls it an orphan", () => {
    const tagged = info({
      tags: { [FleetTag.managed]: "true", [FleetTag.debugMinutes]: "30" },
    });
    const ended = late + 60_000;
    const done = { ...bound, status: "completed" as const, completedAt: iso(ended) };
    const f = { instance: tagged, record: record(), job: done, graceMs: grace };
    expect(orphanReason({ ...f, now: ended })).toBeNull();
    expect(orphanReason({ ...f, now: ended + 30 * 60_000 - 1 })).toBeNull();
    expect(orphanReason({ ...f, now: ended + 30 * 60_000 })).toBe("job 7 is completed");
    // Without a recorded end, the job's last update counts.
    const noEnd = { ...done, completedAt: null, updatedAt: iso(ended) };
    expect(orphanReason({ ...f, job: noEnd, now: ended + 29 * 60_000 })).toBeNull();
    // A terminated record, or a tag out of bounds, is not held.
    expect(orphanReason({ ...f, record: record({ state: "terminated" }), now: ended })).toBe(
      "recorded as terminated",
    );
    const huge = info({ tags: { [FleetTag.managed]: "true", [FleetTag.debugMinutes]: "999" } });
    expect(debugUntil(huge, done)).toBe(ended + 120 * 60_000);
    const junk = info({ tags: { [FleetTag.managed]: "true", [FleetTag.debugMinutes]: "1e9" } });
    expect(debugUntil(junk, done)).toBeNull();
    expect(orphanReason({ ...f, instance: junk, now: ended })).toBe("job 7 is completed");
  });
});
