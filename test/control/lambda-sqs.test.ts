import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { sign } from "@octokit/webhooks-methods";
import type { LambdaContext, LambdaEvent } from "hono/aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stateChangeEvent } from "../../src/control/domain/ec2-events.ts";
import { createLambdaHandler } from "../../src/control/entry/lambda.ts";
import { ADMIN_TOKEN, WEBHOOK_SECRET, workflowJobExample } from "../support/app.ts";
import { awsFleetFile } from "../support/aws-mode.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";
import { type FakeGitHub, startFakeGitHub } from "../support/fake-github.ts";
import { generateAppKey } from "../support/fake-github-keys.ts";
import { sampleInstance } from "../support/instances.ts";
import { sampleJob } from "../support/jobs.ts";

/**
 * The Lambda handler's answer to each outcome of an SQS record, with dynalite, fauxqs and the
 * fake GitHub behind it: what Lambda must not delete is reported in `batchItemFailures`.
 */
const repo = "Codertocat/Hello-World";
const installationId = 3456996;
const key = generateAppKey();
let b: Backends;
let gh: FakeGitHub;
/** A stand-in EC2 endpoint that has no capacity for anyone; it records the actions asked. */
let ec2: { url: string; actions: string[]; close(): void };

beforeAll(async () => {
  b = await startBackends();
  gh = await startFakeGitHub();
  gh.addApp("12345", key.publicKey);
  const actions: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      actions.push(new URLSearchParams(body).get("Action") ?? "?");
      res.writeHead(400, { "content-type": "text/xml" });
      res.end(
        "<Response><Errors><Error><Code>InsufficientInstanceCapacity</Code><Message>no capacity</Message></Error></Errors><RequestID>r-1</RequestID></Response>",
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  ec2 = { url: `http://127.0.0.1:${port}`, actions, close: () => server.close() };
  process.env.AWS_ACCESS_KEY_ID = "test";
  process.env.AWS_SECRET_ACCESS_KEY = "test";
});
afterAll(async () => {
  ec2?.close();
  await gh?.stop();
  await b?.stop();
});

/** A Lambda function with fresh queues of its own. */
function lambda() {
  const queues = {
    jobs: b.newQueue(),
    events: b.newQueue("events"),
    ec2Events: b.newQueue("ec2-events"),
    eventsDlq: b.newQueue("events-dlq"),
  };
  const built = createLambdaHandler(
    {
      RUNS_FLEET_DYNAMODB_ENDPOINT: b.db.endpoint,
      RUNS_FLEET_SQS_ENDPOINT: b.sqs.endpoint,
      RUNS_FLEET_JOB_QUEUE_URL: queues.jobs,
      RUNS_FLEET_EVENTS_QUEUE_URL: queues.events,
      RUNS_FLEET_EC2_EVENTS_QUEUE_URL: queues.ec2Events,
      RUNS_FLEET_EVENTS_DLQ_URL: queues.eventsDlq,
      RUNS_FLEET_WEBHOOK_SECRET: WEBHOOK_SECRET,
      RUNS_FLEET_ADMIN_TOKEN: ADMIN_TOKEN,
      AWS_REGION: "us-east-1",
      RUNS_FLEET_EC2_ENDPOINT: ec2.url,
      RUNS_FLEET_SSM_ENDPOINT: ec2.url,
      RUNS_FLEET_GITHUB_APP_ID: "12345",
      RUNS_FLEET_GITHUB_PRIVATE_KEY: key.pkcs1,
      RUNS_FLEET_GITHUB_API_URL: gh.url,
      RUNS_FLEET_BATCH_WINDOW_MS: "0",
      RUNS_FLEET_LOG_LEVEL: "error",
      RUNS_FLEET_METRICS: "off",
    },
    awsFleetFile,
  );
  return { ...built, queues };
}
type Fn = ReturnType<typeof lambda>;

/** Receives the next message of a queue as the event source mapping would. */
async function take(queueUrl: string): Promise<Message> {
  const res = await b.sqsClient.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["All"],
      MessageAttributeNames: ["All"],
      WaitTimeSeconds: 1,
    }),
  );
  const m = res.Messages?.[0];
  if (!m) throw new Error(`nothing to receive on ${queueUrl}`);
  return m;
}

/** Hands one message to the function as an SQS batch of one; returns its answer. */
async function invoke(fn: Fn, queueUrl: string, m: Message) {
  const record = {
    eventSource: "aws:sqs",
    messageId: m.MessageId ?? "",
    receiptHandle: m.ReceiptHandle ?? "",
    body: m.Body ?? "",
    attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? "1" },
    eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queueUrl.split("/").at(-1)}`,
  };
  return (await fn.handler({ Records: [record] }, {} as LambdaContext)) as {
    batchItemFailures: Array<{ itemIdentifier: string }>;
  };
}

/** Messages on a queue, visible or not: what Lambda has not deleted. */
async function held(queueUrl: string): Promise<number> {
  const res = await b.sqsClient.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(res.Attributes?.ApproximateNumberOfMessages) +
    Number(res.Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

/** Sends a signed `workflow_job` `queued` webhook through the function URL path. */
async function webhook(fn: Fn, jobId: number) {
  const body = JSON.stringify(await workflowJobExample("queued", { labels: ["ci-large"], jobId }));
  const res = (await fn.handler(
    {
      version: "2.0",
      routeKey: "$default",
      rawPath: "/webhook",
      rawQueryString: "",
      headers: {
        host: "abc.lambda-url.us-east-1.on.aws",
        "content-type": "application/json",
        "x-github-event": "workflow_job",
        "x-github-delivery": `d-${jobId}`,
        "x-hub-signature-256": await sign(WEBHOOK_SECRET, body),
      },
      requestContext: { http: { method: "POST", path: "/webhook", sourceIp: "192.0.2.1" } },
      body,
      isBase64Encoded: false,
    } as unknown as LambdaEvent,
    {} as LambdaContext,
  )) as { statusCode: number };
  expect(res.statusCode).toBe(202);
}

describe("the Lambda handler answers each outcome of a record", () => {
  it("reports a retryable launch failure, and the message comes back for the next try", async () => {
    gh.addInstallation({ id: installationId, appId: "12345", owner: "Codertocat" });
    const fn = lambda();
    await webhook(fn, 880001);
    const m = await take(fn.queues.jobs);
    expect(await invoke(fn, fn.queues.jobs, m)).toEqual({
      batchItemFailures: [{ itemIdentifier: m.MessageId }],
    });
    expect(ec2.actions).toContain("CreateFleet");
    expect(await fn.plane.jobs.get("880001")).toMatchObject({
      status: "queued",
      reason: expect.stringMatching(/^launch failed, will retry: /),
    });
    // The delay the scheduler chose is a visibility timeout; run it out instead of waiting.
    await b.sqsClient.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: fn.queues.jobs,
        ReceiptHandle: m.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const again = await take(fn.queues.jobs);
    expect(again.MessageId).toBe(m.MessageId);
    expect(again.Attributes?.ApproximateReceiveCount).toBe("2");
  });

  it("reports a poison job message and never deletes it, so the redrive policy takes it", async () => {
    const fn = lambda();
    await b.sqsClient.send(new SendMessageCommand({ QueueUrl: fn.queues.jobs, MessageBody: "{" }));
    const m = await take(fn.queues.jobs);
    expect(await invoke(fn, fn.queues.jobs, m)).toEqual({
      batchItemFailures: [{ itemIdentifier: m.MessageId }],
    });
    expect(await held(fn.queues.jobs)).toBe(1);
  });

  it("reports a state change that waits for GitHub's word on the job, keeping the message", async () => {
    gh.addInstallation({ id: installationId, appId: "12345", owner: "Codertocat" });
    const fn = lambda();
    const instanceId = "i-0a1b2c3d4e5f60001";
    await fn.plane.jobs.create(
      sampleJob({ jobId: "880002", repo, installationId, status: "launched", instanceId }),
    );
    await fn.plane.instances.create(sampleInstance(instanceId, { jobId: "880002" }));
    const asked = gh.count("GET", "/repos/Codertocat/Hello-World/actions/jobs/880002");
    const body = JSON.stringify(stateChangeEvent(instanceId, "terminated", Date.now()));
    await b.sqsClient.send(
      new SendMessageCommand({ QueueUrl: fn.queues.ec2Events, MessageBody: body }),
    );
    const m = await take(fn.queues.ec2Events);
    expect(await invoke(fn, fn.queues.ec2Events, m)).toEqual({
      batchItemFailures: [{ itemIdentifier: m.MessageId }],
    });
    expect(gh.count("GET", "/repos/Codertocat/Hello-World/actions/jobs/880002")).toBe(asked + 1);
    expect((await fn.plane.jobs.get("880002"))?.status).toBe("launched");
    expect(await held(fn.queues.ec2Events)).toBe(1);
  });

  it("answers success for an invalid event once it is copied to the DLQ", async () => {
    const fn = lambda();
    await b.sqsClient.send(
      new SendMessageCommand({ QueueUrl: fn.queues.events, MessageBody: "not an event" }),
    );
    const m = await take(fn.queues.events);
    expect(await invoke(fn, fn.queues.events, m)).toEqual({ batchItemFailures: [] });
    expect(await held(fn.queues.events)).toBe(0);
    expect((await take(fn.queues.eventsDlq)).Body).toBe("not an event");
  });

  it("answers success for a job of a repository without the App: failed, nothing launched", async () => {
    const fn = lambda();
    const before = ec2.actions.length;
    gh.state.installations.clear();
    await webhook(fn, 880003);
    const m = await take(fn.queues.jobs);
    expect(await invoke(fn, fn.queues.jobs, m)).toEqual({ batchItemFailures: [] });
    // Intake may read spot prices; nothing that launches or costs anything is called.
    expect(ec2.actions.slice(before).filter((a) => !a.startsWith("Describe"))).toEqual([]);
    expect(await fn.plane.jobs.get("880003")).toMatchObject({
      status: "failed",
      reason: expect.stringMatching(/App is not installed on Codertocat\/Hello-World .*re-run/),
    });
    expect(await held(fn.queues.jobs)).toBe(0);
  });
});
