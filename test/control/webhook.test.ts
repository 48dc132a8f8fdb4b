import { GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, buildPlane, deliver, workflowJobExample } from "../support/app.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";

let b: Backends;
beforeAll(async () => {
  b = await startBackends();
});
afterAll(async () => {
  await b?.stop();
});

let nextId = 5_000_000_000;
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

async function drain(url: string) {
  const out = await b.sqsClient.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      MessageAttributeNames: ["All"],
    }),
  );
  return out.Messages ?? [];
}

describe("POST /webhook: authentication and malformed input", () => {
  it("answers ping with 200", async () => {
    const { app } = buildPlane(b);
    const res = await deliver(app, "ping", { zen: "Keep it logically awesome.", hook_id: 1 });
    expect(res.status).toBe(200);
  });

  it("refuses a missing or wrong signature with 401 and changes nothing", async () => {
    const { app, jobQueueUrl, jobs } = buildPlane(b);
    const jobId = newJobId();
    const payload = await workflowJobExample("queued", { labels: ["runs-fleet"], jobId });
    expect(
      (await deliver(app, "workflow_job", payload, { secret: "another-secret-entirely" })).status,
    ).toBe(401);
    expect((await deliver(app, "workflow_job", payload, { signature: "" })).status).toBe(401);
    expect((await deliver(app, "workflow_job", payload, { signature: "sha256=zz" })).status).toBe(
      401,
    );
    expect(
      (await deliver(app, "workflow_job", payload, { signature: `sha1=${"0".repeat(40)}` })).status,
    ).toBe(401);
    expect(await jobs.get(String(jobId))).toBeNull();
    expect(await queueDepth(jobQueueUrl)).toBe(0);
  });

  it("refuses truncated JSON with 400", async () => {
    const { app, jobQueueUrl } = buildPlane(b);
    const payload = JSON.stringify(
      await workflowJobExample("queued", { labels: ["runs-fleet"], jobId: newJobId() }),
    );
    const res = await deliver(app, "workflow_job", null, {
      body: payload.slice(0, payload.length / 2),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "body is not valid JSON" });
    expect(await queueDepth(jobQueueUrl)).toBe(0);
  });

  it("refuses a payload missing required fields with 400 naming the field", async () => {
    const { app } = buildPlane(b);
    const payload = await workflowJobExample("queued", {
      labels: ["runs-fleet"],
      jobId: newJobId(),
    });
    delete (payload.workflow_job as Record<string, unknown>).run_id;
    const res = await deliver(app, "workflow_job", payload);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/run_id/);
  });

  it("refuses a body over 1 MiB with 413", async () => {
    const { app } = buildPlane(b);
    const payload = await workflowJobExample("queued", {
      labels: ["runs-fleet"],
      jobId: newJobId(),
    });
    const res = await deliver(app, "workflow_job", {
      ...payload,
      padding: "x".repeat(1024 * 1024),
    });
    expect(res.status).toBe(413);
  });

  it("acknowledges events and actions it does not handle with 202 and a reason", async () => {
    const { app } = buildPlane(b);
    const issues = await deliver(app, "issues", { action: "opened" });
    expect(issues.status).toBe(202);
    expect(await issues.json()).toEqual({ ignored: "event issues is not handled" });
    // Config pushes need a GitHub App to read the file with; without one they are ignored.
    const push = await deliver(app, "push", { ref: "refs/heads/main" });
    expect(push.status).toBe(202);
    expect(await push.json()).toEqual({
      ignored: "no GitHub App to read the config repository with",
    });
    const waiting = await deliver(
      app,
      "workflow_job",
      await workflowJobExample("waiting", { labels: ["runs-fleet"], jobId: newJobId() }),
    );
    expect(waiting.status).toBe(202);
    expect(((await waiting.json()) as { ignored: string }).ignored).toMatch(/waiting/);
  });
});

// Intake's decisions are tested beside it on in-memory ports; this suite keeps GitHub's own
// payloads over HTTP, and the conditional writes and queue sends on the real servers.
describe("POST /webhook: workflow_job", () => {
  it("ignores GitHub's example jobs, whose labels are not ours", async () => {
    const { app, jobQueueUrl } = buildPlane(b);
    for (const action of ["queued", "in_progress", "completed"] as const) {
      const res = await deliver(app, "workflow_job", await workflowJobExample(action));
      expect(res.status).toBe(202);
      expect(((await res.json()) as { ignored: string }).ignored).toBe("no runs-fleet label");
    }
    expect(await queueDepth(jobQueueUrl)).toBe(0);
  });

  it("stores a queued job, then enqueues it; a duplicate delivery changes nothing", async () => {
    const { app, jobQueueUrl, jobs } = buildPlane(b);
    const jobId = newJobId();
    const payload = await workflowJobExample("queued", {
      labels: ["self-hosted", "runs-fleet/cpu=4/arch=arm64"],
      jobId,
    });
    const res = await deliver(app, "workflow_job", payload, { deliveryId: "d-first" });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({
      outcome: "queued",
      jobId: String(jobId),
      status: "queued",
    });
    const stored = await jobs.get(String(jobId));
    expect(stored).toMatchObject({
      status: "queued",
      repo: "Codertocat/Hello-World",
      runId: "2202229078",
      deliveryIds: ["d-first"],
      spec: { cpu: { min: 4, max: 8 }, arch: "arm64", os: "linux" },
    });
    expect(stored?.candidates[0]?.instanceType).toBe("c8g.xlarge");
    expect(stored?.lastEnqueuedAt).toBeTruthy();

    const again = await deliver(app, "workflow_job", payload, { deliveryId: "d-first" });
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ outcome: "duplicate" });
    expect(await jobs.get(String(jobId))).toEqual(stored);

    const messages = await drain(jobQueueUrl);
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0]?.Body ?? "")).toMatchObject({
      jobId: String(jobId),
      repo: "Codertocat/Hello-World",
      retryCount: 0,
      forceOnDemand: false,
      priority: "normal",
    });
  });

  it("stores a job with a bad label as rejected with its reason and does not enqueue it", async () => {
    const { app, jobQueueUrl, jobs } = buildPlane(b);
    const jobId = newJobId();
    const res = await deliver(
      app,
      "workflow_job",
      await workflowJobExample("queued", { labels: ["runs-fleet/cpus=4"], jobId }),
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ outcome: "rejected" });
    const stored = await jobs.get(String(jobId));
    expect(stored?.status).toBe("rejected");
    expect(stored?.reason).toMatch(/unknown key "cpus".*did you mean "cpu"/);
    expect(await queueDepth(jobQueueUrl)).toBe(0);

    const api = await app.request(`/api/jobs/${jobId}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(await api.json()).toMatchObject({ status: "rejected", reason: stored?.reason });
  });

  it("moves a job through in_progress and completed, and ignores replays", async () => {
    const { app, jobs } = buildPlane(b);
    const jobId = newJobId();
    const labels = ["runs-fleet"];
    await deliver(app, "workflow_job", await workflowJobExample("queued", { labels, jobId }));
    const running = await deliver(
      app,
      "workflow_job",
      await workflowJobExample("in_progress", { labels, jobId }),
    );
    expect(await running.json()).toMatchObject({ outcome: "updated", status: "running" });
    const done = await deliver(
      app,
      "workflow_job",
      await workflowJobExample("completed", { labels, jobId, conclusion: "success" }),
    );
    expect(await done.json()).toMatchObject({ outcome: "updated", status: "completed" });
    const replay = await deliver(
      app,
      "workflow_job",
      await workflowJobExample("in_progress", { labels, jobId }),
    );
    expect(await replay.json()).toMatchObject({ outcome: "duplicate", status: "completed" });
    expect(await jobs.get(String(jobId))).toMatchObject({
      status: "completed",
      conclusion: "success",
      version: 3,
    });
  });

  it("creates exactly one job and one message when several replicas get the same delivery at once", async () => {
    const queueUrl = b.newQueue();
    const replicas = Array.from({ length: 4 }, () => buildPlane(b, { queueUrl }));
    const jobId = newJobId();
    const payload = await workflowJobExample("queued", { labels: ["runs-fleet/cpu=8"], jobId });
    const answers = await Promise.all(
      replicas.flatMap((r) => [
        deliver(r.app, "workflow_job", payload, { deliveryId: "same" }),
        deliver(r.app, "workflow_job", payload, { deliveryId: "same" }),
      ]),
    );
    expect(answers.every((r) => r.status === 202)).toBe(true);
    const outcomes = await Promise.all(
      answers.map(async (r) => ((await r.json()) as { outcome: string }).outcome),
    );
    expect(outcomes.filter((o) => o === "queued")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(7);
    expect(await queueDepth(queueUrl)).toBe(1);
  });
});
