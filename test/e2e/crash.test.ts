import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job } from "../../src/control/domain/job.ts";
import { FleetTag } from "../../src/control/domain/launch-slot.ts";
import { deliver, workflowJobExample } from "../support/app.ts";
import { type Proc, startProcess } from "../support/processes.ts";
import type { CrashReplicaArgs } from "./crash-replica.ts";
import { type AgentCompute, type Fleet, startFleet } from "./fleet.ts";
import { serveCompute } from "./remote-compute.ts";

/** Twice the loops' long-poll wait: every receive the dead replica had open has ended. */
const deadPollMs = 2 * 5_000;

let f: Fleet;
let ec2: AgentCompute;
let provider: Awaited<ReturnType<typeof serveCompute>>;
let crashed: Proc | undefined;
beforeAll(async () => {
  // No replica in-process yet: the replica that crashes must be the only one claiming jobs.
  f = await startFleet({ replicas: 0, jobSeconds: 1 });
  // One provider for both replicas, as EC2 is: its instances outlive the replica that asked.
  ec2 = f.newCompute("local-ec2-");
  provider = await serveCompute(ec2);
});
afterAll(async () => {
  await crashed?.stop("SIGKILL");
  await provider?.stop();
  await f?.stop();
});

/** Polls `probe` until it returns a value, or fails with what it last saw. */
async function until<T>(
  what: string,
  probe: () => Promise<{ done: T } | { seen: unknown }>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let seen: unknown;
  while (Date.now() < deadline) {
    const r = await probe();
    if ("done" in r) return r.done;
    seen = r.seen;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`${what} did not happen; last seen: ${JSON.stringify(seen)}`);
}

const statuses = async (ids: string[]) =>
  (await Promise.all(ids.map((id) => f.jobs.get(id)))).map((j) => j?.status ?? "missing");

describe("a control-plane process killed with SIGKILL in the middle of launches", () => {
  it("leaves jobs in `launching` and a fleet call in flight; another replica completes every job exactly once and no instance is left running", async () => {
    provider.holdLaunches(true);
    const args: CrashReplicaArgs = {
      dynamodbEndpoint: f.b.db.endpoint,
      sqsEndpoint: f.b.sqs.endpoint,
      tablePrefix: f.b.prefix,
      jobQueueUrl: f.jobQueueUrl,
      eventsQueueUrl: f.eventsQueueUrl,
      ec2EventsQueueUrl: f.ec2EventsQueueUrl,
      computeUrl: provider.url,
      runnerDir: f.runnerDir,
      batchWindowMs: 200,
    };
    crashed = startProcess(
      process.execPath,
      ["--import", "tsx", "test/e2e/crash-replica.ts", JSON.stringify(args)],
      {},
    );
    const [, url] = await crashed.waitFor(/listening (http:\/\/\S+)/, 60_000);
    const remote = {
      request: (path: string, init: RequestInit) => fetch(`${url}${path}`, init),
    };

    // Two placements, so more than one fleet call is in flight when the replica dies.
    const labels = ["runs-fleet/cpu=2", "runs-fleet/cpu=4/arch=amd64"];
    const base = 7_100_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
    const ids = Array.from({ length: 6 }, (_, i) => String(base + i));
    for (const [i, id] of ids.entries()) {
      const payload = await workflowJobExample("queued", {
        labels: [labels[i % labels.length] as string],
        jobId: Number(id),
      });
      expect((await deliver(remote, "workflow_job", payload)).status).toBe(202);
    }

    // The kill must land mid-launch, whatever the timing: every job claimed, and as many fleet
    // calls in flight as the replica's launcher sends at once (two; jobs beyond them wait in
    // the replica for a call), their instances created by the provider, their answers held.
    const orphans = await until("every job launching with two fleet calls held", async () => {
      const now = await statuses(ids);
      const held = provider.held();
      return now.every((s) => s === "launching") && held.length === 2
        ? { done: held.flatMap((h) => h.instanceIds) }
        : { seen: { statuses: now, held } };
    });
    await crashed.stop("SIGKILL");
    expect(crashed.child.signalCode).toBe("SIGKILL");
    expect(await statuses(ids)).toEqual(ids.map(() => "launching"));
    const orphanOf = new Map(
      (await ec2.describe({ instanceIds: orphans })).map((i) => [
        i.tags[FleetTag.jobId] as string,
        i.instanceId,
      ]),
    );
    expect(orphanOf.size).toBe(orphans.length);
    for (const job of orphanOf.keys()) expect(ids).toContain(job);

    // Another replica carries on. Its housekeeping runs as it would once the deadlines have
    // passed (claims older than 5 minutes, unrecorded instances older than 10): the orphans
    // first, so nothing it launches itself is mistaken for one.
    const survivor = f.addReplica({ compute: ec2 });
    // The dead replica's last long polls (5 s) are still open at the queue, which hands a new
    // message to such a poll and keeps it invisible for the 120 s visibility timeout, as SQS
    // does. Housekeeping acts minutes after a crash; waiting out those polls stands for that.
    await new Promise((r) => setTimeout(r, deadPollMs));
    const later = f.housekeepingAhead(20 * 60_000);
    const swept = await later.runTask("orphans");
    expect(swept.report).toMatchObject({ terminated: orphans.length });
    const stuck = await later.runTask("stuckJobs");
    expect(stuck.report).toMatchObject({ requeued: ids.length });

    const done: Job[] = [];
    for (const id of ids) done.push(await f.waitForJob(id, (j) => j.status === "completed"));

    // Exactly once: each job ran on one instance, launched and recorded by the survivor; the
    // instances of the dead replica's fleet call never got a record, a config or a job.
    const records = (await survivor.plane.instances.list({ limit: 1000 })).instances;
    for (const job of done) {
      expect(orphans).not.toContain(job.instanceId);
      const mine = records.filter((r) => r.jobId === job.jobId);
      expect(mine.map((r) => r.instanceId)).toEqual([job.instanceId]);
      expect(mine[0]?.startedAt).not.toBeNull();
    }
    expect(records.filter((r) => orphans.includes(r.instanceId))).toEqual([]);
    const perJob = new Map<string, string[]>();
    for (const i of await ec2.describe({})) {
      const job = i.tags[FleetTag.jobId] as string;
      perJob.set(job, [...(perJob.get(job) ?? []), i.instanceId]);
    }
    for (const job of done) {
      const orphan = orphanOf.get(job.jobId);
      const expected = orphan ? [job.instanceId, orphan] : [job.instanceId];
      expect(perJob.get(job.jobId)?.sort()).toEqual(expected.sort());
    }
    expect([...perJob.keys()].sort()).toEqual([...ids].sort());

    // No instance left running: the orphans were ended, the others ended themselves.
    await until("every instance ended", async () => {
      const live = await ec2.describe({ states: ["pending", "running"] });
      return live.length === 0 ? { done: true } : { seen: live.map((i) => i.instanceId) };
    });
    expect(await ec2.describe({ states: ["pending", "running"] })).toEqual([]);
  }, 180_000);
});
