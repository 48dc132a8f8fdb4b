import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { sign } from "@octokit/webhooks-methods";
import type { LambdaContext, LambdaEvent } from "hono/aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLambdaHandler } from "../../src/control/entry/lambda.ts";
import { ADMIN_TOKEN, WEBHOOK_SECRET, workflowJobExample } from "../support/app.ts";
import { awsFleetFile, githubAppEnv } from "../support/aws-mode.ts";
import { defaultSpec } from "../support/jobs.ts";

type HttpResult = { statusCode: number; body: string };

import { type Backends, startBackends } from "../support/control-plane.ts";

let b: Backends;
beforeAll(async () => {
  b = await startBackends();
  process.env.AWS_ACCESS_KEY_ID = "test";
  process.env.AWS_SECRET_ACCESS_KEY = "test";
});
afterAll(async () => {
  await b?.stop();
});

/** A Lambda function URL event (payload format 2.0), as AWS delivers it. */
function functionUrlEvent(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
) {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: "",
    headers: { host: "abc.lambda-url.us-east-1.on.aws", ...headers },
    requestContext: {
      accountId: "123456789012",
      apiId: "abc",
      domainName: "abc.lambda-url.us-east-1.on.aws",
      domainPrefix: "abc",
      http: {
        method,
        path,
        protocol: "HTTP/1.1",
        sourceIp: "192.0.2.1",
        userAgent: "GitHub-Hookshot/abc",
      },
      requestId: "req-1",
      routeKey: "$default",
      stage: "$default",
      time: "23/Nov/2026:00:00:00 +0000",
      timeEpoch: 1795000000000,
    },
    ...(body === undefined
      ? {}
      : { body: Buffer.from(body).toString("base64"), isBase64Encoded: true }),
  };
}

describe("the control plane on AWS Lambda", () => {
  it("handles a signed webhook and an admin call from function URL events", async () => {
    const { handler } = createLambdaHandler(
      {
        RUNS_FLEET_DYNAMODB_ENDPOINT: b.db.endpoint,
        RUNS_FLEET_SQS_ENDPOINT: b.sqs.endpoint,
        RUNS_FLEET_JOB_QUEUE_URL: b.newQueue(),
        RUNS_FLEET_EVENTS_QUEUE_URL: b.newQueue("events"),
        RUNS_FLEET_WEBHOOK_SECRET: WEBHOOK_SECRET,
        RUNS_FLEET_ADMIN_TOKEN: ADMIN_TOKEN,
        AWS_REGION: "us-east-1",
        RUNS_FLEET_EC2_ENDPOINT: "http://127.0.0.1:9",
        RUNS_FLEET_SSM_ENDPOINT: "http://127.0.0.1:9",
        ...githubAppEnv(),
      },
      awsFleetFile,
    );
    const body = JSON.stringify(
      await workflowJobExample("queued", { labels: ["ci-large"], jobId: 990001 }),
    );
    const event = functionUrlEvent(
      "POST",
      "/webhook",
      {
        "content-type": "application/json",
        "x-github-event": "workflow_job",
        "x-github-delivery": "lambda-1",
        "x-hub-signature-256": await sign(WEBHOOK_SECRET, body),
      },
      body,
    );
    const context = {
      functionName: "runs-fleet",
      awsRequestId: "req-1",
    } as unknown as LambdaContext;
    const res = (await handler(event as unknown as LambdaEvent, context)) as HttpResult;
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(res.body)).toMatchObject({ outcome: "queued", jobId: "990001" });

    const get = (await handler(
      functionUrlEvent("GET", "/api/jobs/990001", {
        authorization: `Bearer ${ADMIN_TOKEN}`,
      }) as unknown as LambdaEvent,
      context,
    )) as HttpResult;
    expect(get.statusCode).toBe(200);
    expect(JSON.parse(get.body)).toMatchObject({
      spec: { cpu: { min: 8, max: 16 }, arch: "amd64" },
    });
  });

  it("handles SQS batches from the event source mapping, reporting only the records that failed", async () => {
    const jobQueueUrl = b.newQueue();
    const eventsQueueUrl = b.newQueue("events");
    const { handler } = createLambdaHandler(
      {
        RUNS_FLEET_DYNAMODB_ENDPOINT: b.db.endpoint,
        RUNS_FLEET_SQS_ENDPOINT: b.sqs.endpoint,
        RUNS_FLEET_JOB_QUEUE_URL: jobQueueUrl,
        RUNS_FLEET_EVENTS_QUEUE_URL: eventsQueueUrl,
        RUNS_FLEET_WEBHOOK_SECRET: WEBHOOK_SECRET,
        RUNS_FLEET_ADMIN_TOKEN: ADMIN_TOKEN,
        AWS_REGION: "us-east-1",
        RUNS_FLEET_EC2_ENDPOINT: "http://127.0.0.1:9",
        RUNS_FLEET_SSM_ENDPOINT: "http://127.0.0.1:9",
        ...githubAppEnv(),
      },
      awsFleetFile,
    );
    // A job message for a job the table does not know (already gone): handled and deleted.
    await b.sqsClient.send(
      new SendMessageCommand({
        QueueUrl: jobQueueUrl,
        MessageBody: JSON.stringify({
          jobId: "424242",
          repo: "o/r",
          runId: "1",
          spec: defaultSpec,
          retryCount: 0,
          forceOnDemand: false,
          priority: "normal",
        }),
      }),
    );
    await b.sqsClient.send(
      new SendMessageCommand({
        QueueUrl: eventsQueueUrl,
        MessageBody: JSON.stringify({
          type: "heartbeat",
          id: "e1",
          instanceId: "i-unknown",
          at: "2026-11-23T00:00:00.000Z",
          uptimeSeconds: 3,
        }),
      }),
    );
    const job = (
      await b.sqsClient.send(
        new ReceiveMessageCommand({ QueueUrl: jobQueueUrl, AttributeNames: ["All"] }),
      )
    ).Messages?.[0];
    const ev = (await b.sqsClient.send(new ReceiveMessageCommand({ QueueUrl: eventsQueueUrl })))
      .Messages?.[0];
    const record = (m: typeof job, queue: string) => ({
      eventSource: "aws:sqs",
      messageId: m?.MessageId ?? "",
      receiptHandle: m?.ReceiptHandle ?? "",
      body: m?.Body ?? "",
      attributes: { ApproximateReceiveCount: "1" },
      eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue.split("/").at(-1)}`,
    });
    const out = await handler(
      {
        Records: [
          record(job, jobQueueUrl),
          record(ev, eventsQueueUrl),
          { ...record(ev, "elsewhere"), messageId: "stray" },
        ],
      },
      {} as LambdaContext,
    );
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: "stray" }] });
    const left = await b.sqsClient.send(
      new GetQueueAttributesCommand({
        QueueUrl: jobQueueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    expect(
      Number(left.Attributes?.ApproximateNumberOfMessages) +
        Number(left.Attributes?.ApproximateNumberOfMessagesNotVisible),
    ).toBe(0);
  });

  it("refuses to build with a bad config file, listing the problem", () => {
    expect(() =>
      createLambdaHandler(
        {
          RUNS_FLEET_JOB_QUEUE_URL: "http://q",
          RUNS_FLEET_EVENTS_QUEUE_URL: "http://e",
          RUNS_FLEET_WEBHOOK_SECRET: WEBHOOK_SECRET,
          RUNS_FLEET_ADMIN_TOKEN: ADMIN_TOKEN,
        },
        "aliases:\n  - regex: '('\n    spec: cpu=2\n",
      ),
    ).toThrow(/aliases/);
  });

  it("fails its start with every problem at once: a bad variable and a missing GitHub App", () => {
    let message = "";
    try {
      createLambdaHandler(
        {
          PORT: "99999999",
          RUNS_FLEET_JOB_QUEUE_URL: "http://q",
          RUNS_FLEET_EVENTS_QUEUE_URL: "http://e",
          RUNS_FLEET_WEBHOOK_SECRET: WEBHOOK_SECRET,
          RUNS_FLEET_ADMIN_TOKEN: ADMIN_TOKEN,
        },
        awsFleetFile,
      );
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^ {2}- PORT: /m);
    expect(message).toMatch(
      /^ {2}- RUNS_FLEET_GITHUB_APP_ID: a GitHub App is required in AWS mode$/m,
    );
  });
});
