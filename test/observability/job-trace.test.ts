import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { observeAwsClient } from "../../src/control/adapters/aws/observe-client.ts";
import { createMemoryMetrics } from "../../src/control/adapters/memory/metrics.ts";
import { setupTracing } from "../../src/control/entry/otel.ts";
import type { Compute } from "../../src/control/ports/compute.ts";
import { buildPlane, deliver, workflowJobExample } from "../support/app.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";

interface OtlpSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
}

/** A minimal OTLP/HTTP receiver: the spans posted to /v1/traces. */
async function startReceiver(): Promise<{ url: string; spans: OtlpSpan[]; server: Server }> {
  const spans: OtlpSpan[] = [];
  const server = createServer((req, res) => {
    let data = "";
    req.on("data", (d) => {
      data += d;
    });
    req.on("end", () => {
      if (req.url === "/v1/traces") {
        const body = JSON.parse(data) as {
          resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
        };
        for (const rs of body.resourceSpans)
          for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}`, spans, server };
}

/** Compute that launches every slot at once (what EC2 does is not this test's subject). */
const instantCompute: Compute = {
  launch: async (request) => ({
    instances: request.slots.map((slot, i) => ({
      slotId: slot.slotId,
      instanceId: `i-trace${i}`,
      instanceType: "c7g.large",
      market: "spot",
      az: "us-east-1a",
      subnetId: "subnet-1",
    })),
    errors: [],
  }),
  terminate: async () => {},
  stop: async () => {},
  start: async () => {},
  describe: async () => [],
};

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
  it("puts the webhook, the scheduler's claim and launch and their calls in the job's trace", async () => {
    const receiver = await startReceiver();
    const tracing = setupTracing({ endpoint: receiver.url, serviceName: "t", version: "t" });
    try {
      const plane = buildPlane(b, { compute: instantCompute, batchWindowMs: 0 });
      const payload = await workflowJobExample("queued", {
        labels: ["runs-fleet/cpu=2/arch=arm64"],
        jobId: 770001,
      });
      expect((await deliver(plane.app, "workflow_job", payload)).status).toBe(202);
      await plane.scheduler.drain({ budgetMs: 20_000, untilEmpty: true, waitSeconds: 0 });
      await plane.housekeeping.runTask("metrics");
      await tracing.flush();

      const webhook = receiver.spans.find((s) => s.name === "webhook workflow_job");
      expect(webhook).toBeDefined();
      const trace = receiver.spans.filter((s) => s.traceId === webhook?.traceId);
      const schedule = trace.find((s) => s.name === "schedule job");
      // The scheduler's span continues the webhook's trace through the message's traceparent.
      expect(schedule).toBeDefined();
      const children = trace.filter((s) => s.parentSpanId === schedule?.spanId).map((s) => s.name);
      // Claim (a conditional write), the instance record and `launched`, and the ack: child spans.
      expect(children).toContain("DynamoDB UpdateItem");
      expect(children).toContain("SQS DeleteMessage");
      // The intake's writes are children of the webhook span.
      const intake = trace.filter((s) => s.parentSpanId === webhook?.spanId).map((s) => s.name);
      expect(intake).toContain("SQS SendMessage");
    } finally {
      await tracing();
      receiver.server.close();
    }
  });
});
