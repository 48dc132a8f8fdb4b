import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { observeAwsClient } from "../../src/control/adapters/aws/observe-client.ts";
import { systemClock } from "../../src/control/adapters/clock.ts";
import { createDryRunGitHub } from "../../src/control/adapters/local/dry-run-github.ts";
import { createMemoryMetrics } from "../../src/control/adapters/memory/metrics.ts";
import { setupTracing } from "../../src/control/entry/otel.ts";
import { EVENT_SIGNATURE_ATTRIBUTE, signEventBody } from "../../src/shared/event-signature.ts";
import { buildPlane, deliver, workflowJobExample } from "../support/app.ts";
import { instantCompute } from "../support/compute.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";
import { attributesOf, childrenByName, startReceiver } from "./otlp-receiver.ts";

const compute = instantCompute("i-trace");

let b: Backends;
beforeAll(async () => {
  b = await startBackends({ prefix: "trace-" });
  const metrics = createMemoryMetrics();
  observeAwsClient(b.dynamodb, "DynamoDB", metrics);
  observeAwsClient(b.sqsClient, "SQS", metrics);
});
afterAll(async () => {
  await b?.stop();
});

describe("one job, one trace", () => {
  it("holds the webhook, the scheduler's claim, placement, launch and runner config, the agent's events and the completion", async () => {
    const receiver = await startReceiver();
    const tracing = setupTracing({ endpoint: receiver.url, serviceName: "t", version: "t" });
    try {
      const github = createDryRunGitHub({ clock: systemClock, durationSeconds: 600 });
      const plane = buildPlane(b, { compute, batchWindowMs: 0, github });
      const payload = await workflowJobExample("queued", {
        labels: ["runs-fleet/cpu=2/arch=arm64"],
        jobId: 770001,
      });
      expect((await deliver(plane.app, "workflow_job", payload)).status).toBe(202);
      await plane.scheduler.drain({ budgetMs: 20_000, untilEmpty: true, waitSeconds: 0 });
      const launched = await plane.jobs.get("770001");
      const instanceId = launched?.instanceId;
      if (!instanceId) throw new Error("the job was not launched");

      /** Sends an agent event as its agent would (signed), then lets the consumer apply it. */
      const agentSays = async (event: Record<string, unknown>) => {
        const body = JSON.stringify({ instanceId, jobId: "770001", at: iso(), ...event });
        const key = (await plane.runnerConfigs.get(instanceId))?.eventKey;
        if (!key) throw new Error("no event key in the runner config");
        await b.sqsClient.send(
          new SendMessageCommand({
            QueueUrl: plane.eventsQueueUrl,
            MessageBody: body,
            MessageAttributes: {
              [EVENT_SIGNATURE_ATTRIBUTE]: {
                DataType: "String",
                StringValue: await signEventBody(key, body),
              },
            },
          }),
        );
        await plane.consumer.drain({ budgetMs: 20_000, untilEmpty: true, waitSeconds: 0 });
      };
      await agentSays({ id: "e-started", type: "started", agentVersion: "t" });
      await agentSays({ id: "e-beat", type: "heartbeat", uptimeSeconds: 5 });
      github.setJobStatus("770001", "completed");
      await agentSays({ id: "e-done", type: "completed", status: "success" });
      expect(await plane.jobs.get("770001")).toMatchObject({ status: "completed" });
      await tracing.flush();

      const webhook = receiver.spans.find((s) => s.name === "webhook workflow_job");
      expect(webhook).toBeDefined();
      const trace = receiver.spans.filter((s) => s.traceId === webhook?.traceId);
      const tree = childrenByName(trace);
      // The job's stored traceparent is the webhook's span: the scheduler (through the queue
      // message) and every event applied (through the instance record) hang under it.
      expect(tree.get("webhook workflow_job")).toEqual(
        expect.arrayContaining(["schedule job", "apply started", "apply heartbeat"]),
      );
      expect(tree.get("webhook workflow_job")).toContain("apply completed");
      // Claim (a conditional write), placement, launch, runner config and the ack.
      expect(tree.get("schedule job")).toEqual(
        expect.arrayContaining([
          "DynamoDB UpdateItem",
          "place job",
          "launch instance",
          "runner config",
          "SQS DeleteMessage",
        ]),
      );
      // The instance marked running, and the event's message deleted once applied.
      expect(tree.get("apply started")).toEqual(
        expect.arrayContaining(["DynamoDB UpdateItem", "SQS DeleteMessage"]),
      );
      // The completion settles the job in its own span, its write beneath it.
      expect(tree.get("apply completed")).toContain("complete job");
      expect(tree.get("complete job")).toContain("DynamoDB UpdateItem");

      const byName = (name: string) => trace.find((s) => s.name === name);
      expect(attributesOf(byName("place job"))).toMatchObject({
        "runs_fleet.outcome": "placed",
        "runs_fleet.market": "spot",
      });
      expect(attributesOf(byName("runner config"))).toMatchObject({
        "runs_fleet.outcome": "stored",
        "runs_fleet.instance_id": instanceId,
      });
      expect(attributesOf(byName("apply completed"))).toMatchObject({
        "runs_fleet.outcome": "applied",
        "runs_fleet.job_id": "770001",
      });
      expect(attributesOf(byName("complete job"))).toMatchObject({
        "runs_fleet.outcome": "settled",
      });
    } finally {
      await tracing();
      await receiver.close();
    }
  });
});

const iso = () => new Date().toISOString();
