import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock, systemClock } from "../../src/control/adapters/clock.ts";
import { createDryRunGitHub } from "../../src/control/adapters/local/dry-run-github.ts";
import type { WorkflowJobEvent } from "../../src/control/domain/workflow-job-event.ts";
import { EVENT_SIGNATURE_ATTRIBUTE, signEventBody } from "../../src/shared/event-signature.ts";
import { buildPlane } from "../support/app.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";

let b: Backends;
beforeAll(async () => {
  b = await startBackends({ prefix: "events-" });
});
afterAll(async () => {
  await b?.stop();
});

let seq = 9_100_000_000;
function event(
  action: WorkflowJobEvent["action"],
  o: { id?: number; label?: string; attempt?: number; conclusion?: string } = {},
): WorkflowJobEvent {
  const id = o.id ?? ++seq;
  return {
    action,
    workflow_job: {
      id,
      run_id: 555,
      run_attempt: o.attempt ?? 1,
      name: "build",
      labels: [o.label ?? "runs-fleet/cpu=2/arch=arm64"],
      conclusion: o.conclusion ?? null,
    },
    repository: { full_name: "octo-org/events" },
  };
}

function setup() {
  const github = createDryRunGitHub({ clock: systemClock, durationSeconds: 600 });
  const eventsDlqUrl = b.newQueue("events-dlq");
  const plane = buildPlane(b, { github, batchWindowMs: 10, eventsDlqUrl });
  /** Sends an agent event as its agent would: signed with the key its runner config holds. */
  const send = async (body: { instanceId: string; [k: string]: unknown }) => {
    const text = JSON.stringify(body);
    const key = (await plane.runnerConfigs.get(body.instanceId))?.eventKey;
    if (!key) throw new Error(`no runner config with an event key for ${body.instanceId}`);
    const signature = await signEventBody(key, text);
    await b.sqsClient.send(
      new SendMessageCommand({
        QueueUrl: plane.eventsQueueUrl,
        MessageBody: text,
        MessageAttributes: {
          [EVENT_SIGNATURE_ATTRIBUTE]: { DataType: "String", StringValue: signature },
        },
      }),
    );
  };
  /** Sends an EC2 event where EventBridge would: the EC2 events queue. */
  const sendEc2 = (body: unknown) =>
    b.sqsClient.send(
      new SendMessageCommand({
        QueueUrl: plane.ec2EventsQueueUrl,
        MessageBody: JSON.stringify(body),
      }),
    );
  const spotWarning = (instanceId: string) => ({
    id: `w-${instanceId}`,
    source: "aws.ec2",
    "detail-type": "EC2 Spot Instance Interruption Warning",
    time: new Date().toISOString(),
    region: "us-east-1",
    detail: { "instance-id": instanceId, "instance-action": "terminate" },
  });
  /** Queues a job and launches it; returns the launched job. */
  const launch = async (e: WorkflowJobEvent) => {
    await plane.intake.handle(e, `d-${e.workflow_job.id}`);
    await plane.scheduler.drain({ budgetMs: 10_000 });
    const job = await plane.jobs.get(String(e.workflow_job.id));
    if (!job?.instanceId) throw new Error("not launched");
    return job;
  };
  return { plane, github, send, sendEc2, spotWarning, launch, eventsDlqUrl };
}

// Each decision of the lifecycle is tested beside its service on in-memory ports; this suite
// keeps the paths that need the real servers: markers and circuits in DynamoDB across intake,
// scheduler and consumer, and the DLQ as an SQS queue.
describe("events consumer", () => {
  it("a running job whose spot instance is reclaimed waits for GitHub, then GitHub's new attempt goes on-demand", async () => {
    const s = setup();
    try {
      const first = event("queued");
      const job = await s.launch(first);
      await s.plane.intake.handle(event("in_progress", { id: first.workflow_job.id }), "d-run");
      s.github.setJobStatus(job.jobId, "in_progress");
      await s.sendEc2(s.spotWarning(job.instanceId as string));
      await s.sendEc2(s.spotWarning(job.instanceId as string)); // EventBridge may deliver twice
      expect((await s.plane.consumer.drain({ budgetMs: 10_000 })).applied).toBe(2);
      const interrupted = await s.plane.jobs.get(job.jobId);
      expect(interrupted).toMatchObject({ status: "interrupted", forceOnDemand: true });
      const type = (await s.plane.instances.get(job.instanceId as string))?.instanceType as string;
      expect((await s.plane.circuits.check([type])).get(type)?.interruptions).toHaveLength(1);

      // GitHub fails the attempt; we ask for a re-run instead of accepting the failure.
      s.github.setJobStatus(job.jobId, "completed");
      const concluded = await s.plane.intake.handle(
        event("completed", { id: first.workflow_job.id, conclusion: "failure" }),
        "d-fail",
      );
      expect(concluded).toMatchObject({
        outcome: "updated",
        reason: "re-run requested after a spot interruption",
      });
      expect((await s.plane.jobs.get(job.jobId))?.reason).toMatch(
        /re-runs the job as a new attempt/,
      );

      const rerun = event("queued", { attempt: 2 });
      await s.plane.intake.handle(rerun, "d-rerun");
      expect(await s.plane.jobs.get(String(rerun.workflow_job.id))).toMatchObject({
        status: "queued",
        forceOnDemand: true,
        retryCount: 1,
      });
      await s.plane.scheduler.drain({ budgetMs: 10_000 });
      const relaunched = await s.plane.jobs.get(String(rerun.workflow_job.id));
      expect((await s.plane.instances.get(relaunched?.instanceId as string))?.market).toBe(
        "on-demand",
      );
    } finally {
      await (s.plane.compute as unknown as { close(): Promise<void> }).close();
    }
  });

  it("records heartbeats and start, and refuses malformed or unknown events without touching anything", async () => {
    const s = setup();
    try {
      const job = await s.launch(event("queued"));
      const id = job.instanceId as string;
      const at = new Date().toISOString();
      await s.send({ type: "started", id: "s1", instanceId: id, at, agentVersion: "test" });
      await s.send({ type: "heartbeat", id: "h1", instanceId: id, at, uptimeSeconds: 2 });
      await b.sqsClient.send(
        new SendMessageCommand({
          QueueUrl: s.plane.eventsQueueUrl,
          MessageBody: JSON.stringify({ type: "reboot", id: "x1", instanceId: id, at }),
        }),
      );
      await b.sqsClient.send(
        new SendMessageCommand({ QueueUrl: s.plane.eventsQueueUrl, MessageBody: "{not json" }),
      );
      const counts = await s.plane.consumer.drain({ budgetMs: 10_000 });
      expect(counts).toMatchObject({ applied: 2, invalid: 2 });
      expect(await s.plane.instances.get(id)).toMatchObject({
        state: "running",
        startedAt: at,
        lastHeartbeatAt: at,
      });
      expect((await s.plane.jobs.get(job.jobId))?.status).toBe("launched");
      const dead = await b.sqsClient.send(
        new ReceiveMessageCommand({ QueueUrl: s.eventsDlqUrl, MaxNumberOfMessages: 10 }),
      );
      expect(dead.Messages?.map((m) => m.Body).sort()).toEqual(
        ["{not json", expect.stringContaining('"reboot"')].sort(),
      );
    } finally {
      await (s.plane.compute as unknown as { close(): Promise<void> }).close();
    }
  });

  it("a half-open circuit's probe launch on spot that runs to the end closes the circuit", async () => {
    // Ahead of the other tests, which use the wall clock on the same tables.
    const clock = fixedClock(Date.now() + 86_400_000);
    const github = createDryRunGitHub({ clock, durationSeconds: 1 });
    const plane = buildPlane(b, { github, clock, batchWindowMs: 10 });
    try {
      const type = "m8g.large";
      for (let i = 0; i < 3; i++) await plane.circuits.recordInterruption(type, `i-probe-${i}`);
      expect((await plane.circuits.check([type])).get(type)?.state).toBe("open");
      clock.advance(31 * 60_000);
      expect((await plane.circuits.check([type])).get(type)?.state).toBe("half-open");

      const e = event("queued", { label: "runs-fleet/cpu=2+2/arch=arm64/family=m8g" });
      await plane.intake.handle(e, "d-probe");
      await plane.scheduler.drain({ budgetMs: 10_000 });
      const job = await plane.jobs.get(String(e.workflow_job.id));
      const instance = await plane.instances.get(job?.instanceId as string);
      expect(instance).toMatchObject({ instanceType: type, market: "spot" });

      clock.advance(5_000);
      const at = new Date(clock.now()).toISOString();
      const body = JSON.stringify({
        type: "completed",
        id: "c-probe",
        instanceId: instance?.instanceId,
        jobId: job?.jobId,
        at,
        status: "success",
      });
      const key = (await plane.runnerConfigs.get(instance?.instanceId as string))?.eventKey;
      await b.sqsClient.send(
        new SendMessageCommand({
          QueueUrl: plane.eventsQueueUrl,
          MessageBody: body,
          MessageAttributes: {
            [EVENT_SIGNATURE_ATTRIBUTE]: {
              DataType: "String",
              StringValue: await signEventBody(key as string, body),
            },
          },
        }),
      );
      await plane.consumer.drain({ budgetMs: 10_000 });
      expect((await plane.circuits.check([type])).get(type)?.state).toBe("closed");
      expect((await plane.jobs.get(job?.jobId as string))?.status).toBe("completed");
    } finally {
      await (plane.compute as unknown as { close(): Promise<void> }).close();
    }
  });
});
