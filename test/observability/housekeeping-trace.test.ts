import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { observeAwsClient } from "../../src/control/adapters/aws/observe-client.ts";
import { createMemoryMetrics } from "../../src/control/adapters/memory/metrics.ts";
import { setupTracing } from "../../src/control/entry/otel.ts";
import { at, harness, MINUTE, type Suite, startSuite } from "../housekeeping/harness.ts";
import { attributesOf, startReceiver } from "./otlp-receiver.ts";

let suite: Suite;
beforeAll(async () => {
  suite = await startSuite();
  // Its calls as child spans, as the AWS composition sets them up.
  observeAwsClient(suite.b.dynamodb, "DynamoDB", createMemoryMetrics());
});
afterAll(async () => {
  await suite?.stop();
});

/** A job's stored traceparent, as its webhook span would have left it. */
const traceparentOf = (n: number) =>
  `00-${String(n).padStart(32, "a")}-${String(n).padStart(16, "b")}-01`;

describe("housekeeping in a job's trace", () => {
  it("re-queues and orphans jobs in spans of each job's own trace, linked to the task's span", async () => {
    const receiver = await startReceiver();
    const tracing = setupTracing({ endpoint: receiver.url, serviceName: "t", version: "t" });
    const h = await harness(suite);
    try {
      // A claim whose claimer died, and a running job whose instance went silent.
      await h.job({
        status: "launching",
        version: 2,
        traceparent: traceparentOf(1),
      });
      const silent = await h.machine();
      const running = await h.job({
        status: "running",
        instanceId: silent,
        startedAt: at(0),
        traceparent: traceparentOf(2),
      });
      await h.record(silent, { jobId: running.jobId, state: "running", lastHeartbeatAt: at(0) });
      h.clock.set(Date.parse(at(10 * MINUTE)));
      await h.housekeeping().runAll();
      await tracing.flush();

      const span = (name: string) => receiver.spans.find((s) => s.name === name);
      const task = (name: string) => span(`housekeeping ${name}`);
      for (const [name, n, taskName, outcome] of [
        ["requeue job", 1, "stuckJobs", undefined],
        ["save job", 2, "heartbeats", "requeued"],
      ] as const) {
        const action = span(name);
        // Parent: the job's own span; the housekeeping task that acted is linked, not parent.
        expect(action?.traceId).toBe(String(n).padStart(32, "a"));
        expect(action?.parentSpanId).toBe(String(n).padStart(16, "b"));
        expect(action?.links?.map((l) => l.spanId)).toEqual([task(taskName)?.spanId]);
        if (outcome) expect(attributesOf(action)["runs_fleet.outcome"]).toBe(outcome);
        // The re-queue's writes are children of that span, in the same trace.
        const children = receiver.spans.filter((s) => s.parentSpanId === action?.spanId);
        expect(children.map((s) => s.name)).toContain("DynamoDB UpdateItem");
      }
      // The re-sent messages carry each job's trace on to its next schedule.
      const sent = await h.drainQueue();
      expect(sent.map((m) => m.traceparent).sort()).toEqual([traceparentOf(1), traceparentOf(2)]);
    } finally {
      await tracing();
      await receiver.close();
    }
  });
});
