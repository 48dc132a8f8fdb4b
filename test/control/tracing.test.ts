import { createServer, type Server } from "node:http";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupTracing } from "../../src/control/entry/otel.ts";
import { buildPlane, deliver, workflowJobExample } from "../support/app.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";

/** A minimal OTLP/HTTP receiver: collects the JSON bodies posted to /v1/traces. */
async function startReceiver(): Promise<{ url: string; bodies: unknown[]; server: Server }> {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    let data = "";
    req.on("data", (d) => {
      data += d;
    });
    req.on("end", () => {
      if (req.url === "/v1/traces") bodies.push(JSON.parse(data));
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const addr = server.address();
  return {
    url: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`,
    bodies,
    server,
  };
}

interface OtlpSpan {
  name: string;
  traceId: string;
  spanId: string;
  attributes: Array<{ key: string; value: { stringValue?: string } }>;
}
function spansOf(bodies: unknown[]): OtlpSpan[] {
  const out: OtlpSpan[] = [];
  for (const body of bodies as Array<{
    resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
  }>) {
    for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) out.push(...ss.spans);
  }
  return out;
}

let b: Backends;
beforeAll(async () => {
  b = await startBackends();
});
afterAll(async () => {
  await b?.stop();
});

describe("OpenTelemetry tracing", () => {
  it("exports a span per webhook over OTLP/HTTP and puts its traceparent on the job message", async () => {
    const receiver = await startReceiver();
    const stop = setupTracing({
      endpoint: receiver.url,
      serviceName: "runs-fleet-test",
      version: "test",
    });
    try {
      const { app, jobQueueUrl } = buildPlane(b);
      const payload = await workflowJobExample("queued", {
        labels: ["runs-fleet/cpu=4/arch=arm64"],
        jobId: 660001,
      });
      expect((await deliver(app, "workflow_job", payload)).status).toBe(202);
      await stop();

      const spans = spansOf(receiver.bodies);
      const span = spans.find((s) => s.name === "webhook workflow_job");
      expect(span).toBeDefined();
      const attrs = Object.fromEntries(
        span?.attributes.map((a) => [a.key, a.value.stringValue]) ?? [],
      );
      expect(attrs).toMatchObject({
        "runs_fleet.job_id": "660001",
        "runs_fleet.repo": "Codertocat/Hello-World",
        "runs_fleet.labels": "runs-fleet/cpu=4/arch=arm64",
      });

      const out = await b.sqsClient.send(
        new ReceiveMessageCommand({ QueueUrl: jobQueueUrl, MessageAttributeNames: ["All"] }),
      );
      const traceparent = out.Messages?.[0]?.MessageAttributes?.traceparent?.StringValue;
      expect(traceparent).toBe(`00-${span?.traceId}-${span?.spanId}-01`);
    } finally {
      await stop();
      receiver.server.close();
    }
  });
});
