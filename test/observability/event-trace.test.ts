import { describe, expect, it } from "vitest";
import { createMemoryEventQueue } from "../../src/control/adapters/memory/event-queue.ts";
import { setupTracing } from "../../src/control/entry/otel.ts";
import type { JobStore } from "../../src/control/ports/job-store.ts";
import { createEventsConsumer } from "../../src/control/services/lifecycle/events.ts";
import { lifecycleFixture, testKey } from "../../src/control/services/lifecycle/test-fixture.ts";
import { claimMember, releaseMember } from "../../src/control/services/pools/claim.ts";
import { EVENT_SIGNATURE_ATTRIBUTE, signEventBody } from "../../src/shared/event-signature.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { sampleInstance } from "../support/instances.ts";
import { sampleJob } from "../support/jobs.ts";
import { startReceiver } from "./otlp-receiver.ts";

const traceId = "c".repeat(32);
const jobSpanId = "d".repeat(16);
const traceparent = `00-${traceId}-${jobSpanId}-01`;
const at = "2026-03-01T00:05:00.000Z";

/** The events consumer on memory ports, its job reads counted, and a way to send it events. */
function consumerFixture() {
  const f = lifecycleFixture();
  const jobReads: string[] = [];
  const jobs: JobStore = {
    ...f.jobs,
    get: (id) => {
      jobReads.push(id);
      return f.jobs.get(id);
    },
    byInstance: (id) => {
      jobReads.push(`instance ${id}`);
      return f.jobs.byInstance(id);
    },
  };
  const events = createMemoryEventQueue({ clock: f.clock });
  const ec2Events = createMemoryEventQueue({ clock: f.clock });
  const consumer = createEventsConsumer({
    ...f.deps,
    jobs,
    events,
    ec2Events,
    poolWants: async () => true,
  });
  const deliver = async (body: Record<string, unknown>) => {
    const text = JSON.stringify(body);
    const ec2 = "detail-type" in body;
    const queue = ec2 ? ec2Events : events;
    await queue.send(
      text,
      ec2 ? undefined : { [EVENT_SIGNATURE_ATTRIBUTE]: await signEventBody(testKey, text) },
    );
    const [m] = await queue.receive({ max: 1, waitSeconds: 0, visibilitySeconds: 60 });
    if (!m) throw new Error("no event received");
    return await consumer.handle(m, ec2 ? "ec2" : "agent");
  };
  return { ...f, jobReads, deliver };
}

describe("events applied in their job's trace", () => {
  it("takes the trace from the instance record: no job read for a heartbeat; a job-less instance's event stands alone; a pool member back in standby leaves the trace", async () => {
    const receiver = await startReceiver();
    const tracing = setupTracing({ endpoint: receiver.url, serviceName: "t", version: "t" });
    try {
      const f = consumerFixture();
      await f.jobs.create(
        sampleJob({ jobId: "7", status: "running", instanceId: "i-1", traceparent }),
      );
      const bound = { jobId: "7", state: "running" as const, pool: "warm", traceparent };
      await f.instances.create(sampleInstance("i-1", { ...bound, eventKey: testKey }));
      await f.instances.create(
        sampleInstance("i-2", { jobId: null, state: "standby", pool: "warm", eventKey: testKey }),
      );

      const beat = { type: "heartbeat", at, uptimeSeconds: 1 };
      expect(await f.deliver({ ...beat, id: "h1", instanceId: "i-1", jobId: "7" })).toBe("applied");
      expect(f.jobReads).toEqual([]);
      expect(await f.deliver({ ...beat, id: "h2", instanceId: "i-2" })).toBe("applied");
      const rebalance = {
        id: "r1",
        source: "aws.ec2",
        "detail-type": "EC2 Instance Rebalance Recommendation",
        time: at,
        region: "us-east-1",
        detail: { "instance-id": "i-1" },
      };
      expect(await f.deliver(rebalance)).toBe("applied");
      f.statuses.set("7", "completed");
      const done = { id: "c1", type: "completed", at, instanceId: "i-1", jobId: "7" };
      expect(await f.deliver({ ...done, status: "success" })).toBe("applied");
      // Back in its pool, the member carries no job and no trace.
      expect(await f.instances.get("i-1")).toMatchObject({
        state: "standby",
        jobId: null,
        traceparent: null,
      });
      await tracing.flush();

      const spans = receiver.spans;
      const inJob = spans.filter((s) => s.parentSpanId === jobSpanId).map((s) => s.name);
      expect(inJob.sort()).toEqual([
        "apply EC2 Instance Rebalance Recommendation",
        "apply completed",
        "apply heartbeat",
      ]);
      // The idle member's heartbeat: a span of its own, in no job's trace.
      const idle = spans.filter((s) => s.name === "apply heartbeat" && s.traceId !== traceId);
      expect(idle).toHaveLength(1);
      expect(idle[0]?.parentSpanId || undefined).toBeUndefined();
      const complete = spans.find((s) => s.name === "complete job");
      expect(complete?.traceId).toBe(traceId);
    } finally {
      await tracing();
      await receiver.close();
    }
  });
});

describe("a pool member claimed for a job", () => {
  it("carries the job's traceparent while it holds the job, and drops it when released", async () => {
    const f = lifecycleFixture();
    const deps = {
      instances: f.instances,
      compute: { start: async () => {}, terminate: async () => {}, describe: async () => [] },
      clock: f.clock,
      logger: silentLogger,
      health: { heartbeatTimeoutMs: 90_000, bootGraceMs: 300_000 },
    };
    await f.instances.create(
      sampleInstance("i-hot", {
        jobId: null,
        pool: "warm",
        state: "standby",
        updatedAt: "2026-03-01T00:05:00.000Z",
        lastHeartbeatAt: "2026-03-01T00:09:50.000Z",
        eventKey: testKey,
      }),
    );
    const claim = await claimMember(deps, "warm", "7", traceparent);
    expect(claim?.instance).toMatchObject({ instanceId: "i-hot", jobId: "7", traceparent });
    if (claim) await releaseMember(deps, claim.instance);
    expect(await f.instances.get("i-hot")).toMatchObject({ jobId: null, traceparent: null });
  });
});
