import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqsEventQueue } from "../../src/control/adapters/aws/sqs-event-queue.ts";
import { createSqsJobQueue } from "../../src/control/adapters/aws/sqs-job-queue.ts";
import { jobMessageFor } from "../../src/control/domain/job-message.ts";
import { at, harness, MINUTE, type Suite, startSuite } from "./harness.ts";

let suite: Suite;
beforeAll(async () => {
  suite = await startSuite();
});
afterAll(async () => {
  await suite?.stop();
});

describe("housekeeping: DLQ redrive", () => {
  it("moves the job DLQ back as the jobs table says, and leaves poison where it is", async () => {
    const h = await harness(suite);
    const dlqUrl = suite.b.newQueue("jobs-dlq");
    const dlq = createSqsJobQueue({ client: suite.b.sqsClient, url: dlqUrl });
    const queued = await h.job();
    const done = await h.job({ status: "completed" });
    await dlq.send(jobMessageFor(queued));
    await dlq.send(jobMessageFor(done));
    await dlq.send(jobMessageFor({ ...queued, jobId: "never-stored" }));
    await suite.b.sqsClient.send(
      new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: "{oops" }),
    );

    h.clock.set(Date.parse(at(MINUTE)));
    const out = await h.housekeeping("a", {}, { jobDlq: dlq }).runTask("dlqRedrive");
    expect(out.report).toEqual({ resent: 1, dropped: 2, poison: 1 });
    expect((await h.drainQueue()).map((m) => m.message?.jobId)).toEqual([queued.jobId]);
    expect(await h.jobs.get(queued.jobId)).toMatchObject({
      status: "queued",
      lastEnqueuedAt: at(MINUTE),
    });
    // Only the poison message is left, hidden so it does not take every run's budget.
    expect(await dlq.receive({ max: 10, waitSeconds: 0 })).toEqual([]);
  });

  it("moves the events DLQ back to the events queue unchanged, a bounded number per run", async () => {
    const h = await harness(suite);
    const dlq = createSqsEventQueue({ client: suite.b.sqsClient, url: suite.b.newQueue("ev-dlq") });
    const target = createSqsEventQueue({ client: suite.b.sqsClient, url: suite.b.newQueue("ev") });
    const bodies = Array.from({ length: 5 }, (_, i) => JSON.stringify({ n: i }));
    for (const body of bodies) await dlq.send(body);
    const hk = h.housekeeping("a", { batchSize: 3 }, { eventDlqs: [{ dlq, target }] });
    // A run takes no more than it may handle: the rest stays visible for the next run.
    expect((await hk.runTask("dlqRedrive")).report).toEqual({ moved: 3 });
    expect((await hk.runTask("dlqRedrive")).report).toEqual({ moved: 2 });
    const moved = [];
    for (;;) {
      const batch = await target.receive({ max: 10, waitSeconds: 0 });
      if (batch.length === 0) break;
      moved.push(...batch.map((m) => m.body));
    }
    expect(moved.sort()).toEqual(bodies);
  });

  it("moves each event DLQ back to its own queue: agent events and EC2 events stay apart", async () => {
    const h = await harness(suite);
    const queue = (name: string) =>
      createSqsEventQueue({ client: suite.b.sqsClient, url: suite.b.newQueue(name) });
    const [agentDlq, agent, ec2Dlq, ec2] = [queue("a-dlq"), queue("a"), queue("e-dlq"), queue("e")];
    await agentDlq.send(JSON.stringify({ from: "agent" }));
    await ec2Dlq.send(JSON.stringify({ from: "ec2" }));
    const hk = h.housekeeping(
      "a",
      {},
      {
        eventDlqs: [
          { dlq: agentDlq, target: agent },
          { dlq: ec2Dlq, target: ec2 },
        ],
      },
    );
    expect((await hk.runTask("dlqRedrive")).report).toEqual({ moved: 2 });
    const bodies = async (q: typeof agent) =>
      (await q.receive({ max: 10, waitSeconds: 0 })).map((m) => m.body);
    expect(await bodies(agent)).toEqual([JSON.stringify({ from: "agent" })]);
    expect(await bodies(ec2)).toEqual([JSON.stringify({ from: "ec2" })]);
  });

  it("does not run when no DLQ is configured", async () => {
    const h = await harness(suite);
    expect((await h.housekeeping().runAll()).dlqRedrive).toEqual({ ran: false });
  });
});
