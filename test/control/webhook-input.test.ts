import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlane, deliver, workflowJobExample } from "../support/app.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";

// Hostile but correctly signed `workflow_job` deliveries, against dynalite and fauxqs: each is a
// 4xx naming what is wrong, or a job stored `rejected` with a bounded reason; never a 500.

let b: Backends;
beforeAll(async () => {
  b = await startBackends({ prefix: "webhook-input-" });
});
afterAll(async () => {
  await b?.stop();
});

let nextId = 6_000_000_000;
const newJobId = () => ++nextId;

async function queueDepth(url: string): Promise<number> {
  const out = await b.sqsClient.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

/** The example payload's JSON with one field's number written out as raw text. */
async function withRawNumber(path: "id" | "run_id" | "run_attempt" | "installation", raw: string) {
  const jobId = newJobId();
  const payload = await workflowJobExample("queued", { labels: ["runs-fleet"], jobId });
  const wj = payload.workflow_job as Record<string, unknown>;
  const placeholder = 424242424242;
  if (path === "installation") payload.installation = { id: placeholder };
  else wj[path] = placeholder;
  return { jobId, body: JSON.stringify(payload).replace(String(placeholder), raw) };
}

describe("POST /webhook: numbers GitHub never sends", () => {
  const cases: Array<[Parameters<typeof withRawNumber>[0], string, RegExp]> = [
    ["id", "9007199254740993", /workflow_job\.id/],
    ["id", "1e400", /workflow_job\.id/],
    ["run_id", "9007199254740993", /workflow_job\.run_id/],
    ["run_attempt", "1e400", /workflow_job\.run_attempt/],
    ["run_attempt", "1e300", /workflow_job\.run_attempt/],
    ["run_attempt", "1.5", /workflow_job\.run_attempt/],
    ["installation", "1e400", /installation\.id/],
    ["installation", "18014398509481984", /installation\.id/],
  ];
  it.each(cases)(
    "refuses %s = %s with 400 naming the field, storing nothing",
    async (field, raw, name) => {
      const { app, jobs, jobQueueUrl } = buildPlane(b);
      const { jobId, body } = await withRawNumber(field, raw);
      const res = await deliver(app, "workflow_job", null, { body });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(name);
      expect(await jobs.get(String(jobId))).toBeNull();
      expect(await jobs.get("9007199254740992")).toBeNull();
      expect(await queueDepth(jobQueueUrl)).toBe(0);
    },
  );

  it("takes the largest id that is exact (2^53 - 1) and reads it back", async () => {
    const { app, jobs } = buildPlane(b);
    const { body } = await withRawNumber("id", String(Number.MAX_SAFE_INTEGER));
    expect((await deliver(app, "workflow_job", null, { body })).status).toBe(202);
    expect(await jobs.get(String(Number.MAX_SAFE_INTEGER))).toMatchObject({ status: "queued" });
  });
});

describe("POST /webhook: labels too large to keep as they are", () => {
  it("stores a job whose labels total hundreds of KB as rejected, bounded, with a 2xx", async () => {
    const { app, jobs, jobQueueUrl } = buildPlane(b);
    const jobId = newJobId();
    const labels = [
      "runs-fleet/cpu=4",
      // 450 KB: past DynamoDB's 400 KB item, the job record could not be stored as it came.
      ...Array.from({ length: 450 }, (_, i) => `${i}-${"y".repeat(1000)}`),
    ];
    const res = await deliver(
      app,
      "workflow_job",
      await workflowJobExample("queued", { labels, jobId }),
    );
    expect(res.status).toBe(202);
    const answer = (await res.json()) as { outcome: string; reason: string };
    expect(answer.outcome).toBe("rejected");
    const stored = await jobs.get(String(jobId));
    expect(stored?.status).toBe("rejected");
    expect(stored?.reason).toMatch(/labels are too large/);
    expect(stored?.reason?.length).toBeLessThan(2_000);
    expect(answer.reason).toBe(stored?.reason);
    expect(stored?.labels[0]).toBe("runs-fleet/cpu=4");
    expect(stored?.labels.at(-1)).toBe("… and 443 more labels");
    expect(JSON.stringify(stored).length).toBeLessThan(20_000);
    expect(await queueDepth(jobQueueUrl)).toBe(0);

    const again = await deliver(
      app,
      "workflow_job",
      await workflowJobExample("queued", { labels, jobId }),
    );
    expect(await again.json()).toMatchObject({ outcome: "duplicate", status: "rejected" });
  });

  it("records a job first heard of in progress, with labels that large, bounded", async () => {
    const { app, jobs } = buildPlane(b);
    const jobId = newJobId();
    const labels = ["runs-fleet", ...Array.from({ length: 300 }, () => "z".repeat(1000))];
    const res = await deliver(
      app,
      "workflow_job",
      await workflowJobExample("in_progress", { labels, jobId }),
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ outcome: "recorded", status: "running" });
    const stored = await jobs.get(String(jobId));
    expect(stored?.labels.at(-1)).toBe("… and 293 more labels");
    expect(JSON.stringify(stored).length).toBeLessThan(20_000);
  });

  it("stores a label of thousands of '/' as rejected with one deduplicated reason", async () => {
    const { app, jobs } = buildPlane(b);
    const jobId = newJobId();
    const label = `runs-fleet${"/".repeat(2_000)}`;
    const res = await deliver(
      app,
      "workflow_job",
      await workflowJobExample("queued", { labels: [label], jobId }),
    );
    expect(res.status).toBe(202);
    const stored = await jobs.get(String(jobId));
    expect(stored?.status).toBe("rejected");
    expect(stored?.reason).toMatch(/empty part between "\/" separators.*and 1,999 more/);
    expect(stored?.reason?.length).toBeLessThan(600);
  });

  it("stores a 64 KB label as rejected without echoing it", async () => {
    const { app, jobs } = buildPlane(b);
    const jobId = newJobId();
    const label = `runs-fleet/cpu=${"9".repeat(64 * 1024)}`;
    const res = await deliver(
      app,
      "workflow_job",
      await workflowJobExample("queued", { labels: [label], jobId }),
    );
    expect(res.status).toBe(202);
    const stored = await jobs.get(String(jobId));
    expect(stored?.status).toBe("rejected");
    expect(stored?.reason?.length).toBeLessThan(2_000);
    expect(JSON.stringify(stored).length).toBeLessThan(20_000);
  });

  it("keeps a job whose name is huge, cut to a bounded length", async () => {
    const { app, jobs } = buildPlane(b);
    const jobId = newJobId();
    const payload = await workflowJobExample("queued", { labels: ["runs-fleet"], jobId });
    (payload.workflow_job as Record<string, unknown>).name = "n".repeat(600_000);
    (payload.workflow_job as Record<string, unknown>).workflow_name = "w".repeat(300_000);
    const res = await deliver(app, "workflow_job", payload);
    expect(res.status).toBe(202);
    const stored = await jobs.get(String(jobId));
    expect(stored?.status).toBe("queued");
    expect(JSON.stringify(stored).length).toBeLessThan(20_000);
  });
});
