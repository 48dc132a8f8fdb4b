import { describe, expect, it } from "vitest";
import { sampleJob } from "../../../../test/support/jobs.ts";
import type { Instance } from "../../domain/instance.ts";
import { FleetTag } from "../../domain/launch-slot.ts";
import type { InstanceInfo } from "../../ports/compute.ts";
import { orphanReason } from "./orphans.ts";

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
    expect(orphanReason({ ...f, record: null, job: null })).toBeNull();
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
});
