import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { createDryRunGitHub } from "../../src/control/adapters/local/dry-run-github.ts";
import { createMemoryMetrics } from "../../src/control/adapters/memory/metrics.ts";
import type { WorkflowJobEvent } from "../../src/control/domain/workflow-job-event.ts";
import { EVENT_SIGNATURE_ATTRIBUTE, signEventBody } from "../../src/shared/event-signature.ts";
import { buildPlane, captureLogger } from "../support/app.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";

let b: Backends;
beforeAll(async () => {
  b = await startBackends({ prefix: "forged-" });
});
afterAll(async () => {
  await b?.stop();
});

const start = Date.parse("2031-05-01T10:00:00.000Z");
let seq = 9_300_000_000;
const queued = (family: string): WorkflowJobEvent => {
  const id = ++seq;
  return {
    action: "queued",
    workflow_job: {
      id,
      run_id: 77,
      run_attempt: 1,
      name: "build",
      labels: [`runs-fleet/cpu=2+2/arch=arm64/family=${family}`],
      conclusion: null,
    },
    repository: { full_name: "octo-org/forged" },
  };
};

/**
 * Two instances, A and B, launched by the real scheduler on dynalite and fauxqs. A job on A
 * holds A's credentials and A's runner config (hence A's event key): everything it can send.
 */
async function twoInstances(family: string) {
  const clock = fixedClock(start);
  const metrics = createMemoryMetrics();
  const log = captureLogger();
  const github = createDryRunGitHub({ clock, durationSeconds: 600 });
  const plane = buildPlane(b, { clock, github, metrics, logger: log.logger, batchWindowMs: 10 });
  const launch = async () => {
    const e = queued(family);
    await plane.intake.handle(e, `d-${e.workflow_job.id}`);
    await plane.scheduler.drain({ budgetMs: 10_000 });
    const job = await plane.jobs.get(String(e.workflow_job.id));
    if (!job?.instanceId) throw new Error("not launched");
    return { job, instanceId: job.instanceId };
  };
  const a = await launch();
  const b2 = await launch();
  const keyOfA = (await plane.runnerConfigs.get(a.instanceId))?.eventKey;
  if (!keyOfA) throw new Error("A's runner config carries no event key");
  /** Sends a body to the agents' queue as a runner would, signed with `key` when given. */
  const send = async (body: unknown, key?: string, queueUrl = plane.eventsQueueUrl) => {
    const text = JSON.stringify(body);
    const signature = key ? await signEventBody(key, text) : undefined;
    await b.sqsClient.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: text,
        ...(signature
          ? {
              MessageAttributes: {
                [EVENT_SIGNATURE_ATTRIBUTE]: { DataType: "String", StringValue: signature },
              },
            }
          : {}),
      }),
    );
  };
  const close = () => (plane.compute as unknown as { close(): Promise<void> }).close();
  return { plane, clock, metrics, log, a, b: b2, keyOfA, send, close };
}

const iso = (t: number) => new Date(t).toISOString();
const event = (type: string, instanceId: string, more: Record<string, unknown> = {}) => ({
  type,
  id: `${type}-${instanceId}-${Math.random().toString(36).slice(2)}`,
  instanceId,
  at: iso(start),
  ...more,
});
const spotWarning = (instanceId: string) => ({
  id: `w-${instanceId}`,
  source: "aws.ec2",
  "detail-type": "EC2 Spot Instance Interruption Warning",
  time: iso(start),
  region: "us-east-1",
  detail: { "instance-id": instanceId, "instance-action": "terminate" },
});

describe("forged events", () => {
  it("events for instance B sent by A, signed with A's key, are rejected, counted and never applied", async () => {
    const s = await twoInstances("m8g");
    try {
      const victim = s.b.instanceId;
      const before = await s.plane.instances.get(victim);
      const jobBefore = await s.plane.jobs.get(s.b.job.jobId);
      const forged = [
        event("completed", victim, { jobId: s.b.job.jobId, status: "success" }),
        event("interrupted", victim, { kind: "spot", action: "terminate" }),
        event("heartbeat", victim, { uptimeSeconds: 1, at: "2099-01-01T00:00:00.000Z" }),
        event("bootstrap_failed", victim, { logTail: "forged", stage: "verify" }),
      ];
      for (const f of forged) await s.send(f, s.keyOfA);
      const counts = await s.plane.consumer.drain({ budgetMs: 10_000 });
      expect(counts).toMatchObject({ applied: 0, rejected: 4 });
      expect(s.metrics.total("events_rejected", { reason: "bad_signature" })).toBe(4);
      // Nothing of B moved: its record, its job, its circuit, its process.
      expect(await s.plane.instances.get(victim)).toEqual(before);
      expect(await s.plane.jobs.get(s.b.job.jobId)).toEqual(jobBefore);
      const type = before?.instanceType as string;
      expect((await s.plane.circuits.check([type])).get(type)?.interruptions ?? []).toHaveLength(0);
      const [gone] = await s.plane.compute.describe({ instanceIds: [victim] });
      expect(gone?.state).toBe("running");
      const rejected = s.log.lines.filter((l) => l.includes("event rejected"));
      expect(rejected).toHaveLength(4);
      expect(rejected.every((l) => l.includes('"reason":"bad_signature"'))).toBe(true);
      expect(s.log.lines.join("\n")).not.toContain(s.keyOfA);
      // Deleted, not retried: the queues are empty.
      expect(await s.plane.consumer.drain({ budgetMs: 2_000 })).toMatchObject({ rejected: 0 });
    } finally {
      await s.close();
    }
  });

  it("an unsigned event is rejected, even for the sender's own instance", async () => {
    const s = await twoInstances("m8g");
    try {
      const own = s.a.instanceId;
      await s.send(event("completed", own, { jobId: s.a.job.jobId, status: "success" }));
      expect(await s.plane.consumer.drain({ budgetMs: 10_000 })).toMatchObject({
        applied: 0,
        rejected: 1,
      });
      expect(s.metrics.total("events_rejected", { reason: "unsigned" })).toBe(1);
      expect((await s.plane.jobs.get(s.a.job.jobId))?.status).toBe("launched");
    } finally {
      await s.close();
    }
  });

  it("an EC2 interruption event sent to the agents' queue by a runner is rejected", async () => {
    const s = await twoInstances("m8g");
    try {
      const victim = s.b.instanceId;
      // Signed or not, an EC2-shaped body is never believed from the agents' queue.
      await s.send(spotWarning(victim));
      await s.send(spotWarning(victim), s.keyOfA);
      expect(await s.plane.consumer.drain({ budgetMs: 10_000 })).toMatchObject({
        applied: 0,
        rejected: 2,
      });
      expect(s.metrics.total("events_rejected", { reason: "ec2_event_on_agent_queue" })).toBe(2);
      expect((await s.plane.jobs.get(s.b.job.jobId))?.status).toBe("launched");
      const type = (await s.plane.instances.get(victim))?.instanceType as string;
      expect((await s.plane.circuits.check([type])).get(type)?.interruptions ?? []).toHaveLength(0);
    } finally {
      await s.close();
    }
  });

  it("genuine events still apply: A's own signed heartbeat (future time clamped) and EventBridge's warning on its queue", async () => {
    const s = await twoInstances("c8g");
    try {
      s.clock.advance(5_000);
      const future = "2099-01-01T00:00:00.000Z";
      await s.send(event("heartbeat", s.a.instanceId, { uptimeSeconds: 5, at: future }), s.keyOfA);
      await s.send(spotWarning(s.b.instanceId), undefined, s.plane.ec2EventsQueueUrl);
      expect(await s.plane.consumer.drain({ budgetMs: 10_000 })).toMatchObject({
        applied: 2,
        rejected: 0,
      });
      // Stored as the time it was received, not the time it claimed.
      expect((await s.plane.instances.get(s.a.instanceId))?.lastHeartbeatAt).toBe(
        iso(start + 5_000),
      );
      const type = (await s.plane.instances.get(s.b.instanceId))?.instanceType as string;
      expect((await s.plane.circuits.check([type])).get(type)?.interruptions).toHaveLength(1);
      expect((await s.plane.jobs.get(s.b.job.jobId))?.status).not.toBe("launched");
    } finally {
      await s.close();
    }
  });

  it("the admin API never shows an instance's event key", async () => {
    const s = await twoInstances("m8g");
    try {
      expect((await s.plane.instances.get(s.a.instanceId))?.eventKey).toBe(s.keyOfA);
      const res = await s.plane.app.request(`/api/instances/${s.a.instanceId}`, {
        headers: { authorization: "Bearer test-admin-token-0123456789" },
      });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain(s.a.instanceId);
      expect(text).not.toContain(s.keyOfA);
      expect(text).not.toContain("eventKey");
    } finally {
      await s.close();
    }
  });
});
