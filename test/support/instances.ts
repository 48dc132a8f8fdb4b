import type { Instance } from "../../src/control/domain/instance.ts";

/** An instance record with defaults (pending spot c7g.large); override what the test is about. */
export function sampleInstance(id: string, over: Partial<Instance> = {}): Instance {
  return {
    instanceId: id,
    jobId: "1",
    pool: null,
    instanceType: "c7g.large",
    market: "spot",
    region: "us-east-1",
    az: "us-east-1a",
    env: "default",
    state: "pending",
    reason: null,
    launchedAt: "2026-03-01T00:00:00.000Z",
    updatedAt: "2026-03-01T00:00:00.000Z",
    lastHeartbeatAt: null,
    startedAt: null,
    terminatedAt: null,
    version: 1,
    ...over,
  };
}

/**
 * A hot member of pool `linux` as of 2026-03-01T00:10Z: standby, no job, heard from since its
 * last change, with an event key for its agent.
 */
export function hotPoolMember(id: string): Instance {
  return sampleInstance(id, {
    jobId: null,
    pool: "linux",
    market: "on-demand",
    state: "standby",
    updatedAt: "2026-03-01T00:05:00.000Z",
    lastHeartbeatAt: "2026-03-01T00:09:50.000Z",
    eventKey: "5e".repeat(32),
  });
}
