import { describe, expect, it } from "vitest";
import { sampleInstance } from "../../../../test/support/instances.ts";
import { sampleJob } from "../../../../test/support/jobs.ts";
import { eventsFixture } from "./test-fixture.ts";

const at = "2026-03-01T00:09:00.000Z";
const agent = (type: string, more: Record<string, unknown> = {}) => ({
  type,
  id: `${type}-1`,
  instanceId: "i-1",
  at,
  ...more,
});
const ec2 = (detailType: string, detail: Record<string, unknown> = {}) => ({
  id: "e-1",
  source: "aws.ec2",
  "detail-type": detailType,
  time: at,
  detail: { "instance-id": "i-1", ...detail },
});
const launched = sampleJob({ jobId: "7", status: "launched", instanceId: "i-1" });
const pending = sampleInstance("i-1", { jobId: "7" });

describe("events consumer", () => {
  it("records a heartbeat and acknowledges it", async () => {
    const f = eventsFixture();
    await f.seed(launched, pending);
    expect(await f.deliver(agent("heartbeat", { uptimeSeconds: 2 }))).toBe("applied");
    expect((await f.instances.get("i-1"))?.lastHeartbeatAt).toBe(at);
    expect(f.events.depth()).toEqual({ visible: 0, hidden: 0 });
  });

  it("marks a pending instance running on `started` and records its boot phases", async () => {
    const f = eventsFixture();
    await f.seed(launched, pending);
    const started = agent("started", { agentVersion: "1", bootTimings: { imds: 40, config: 900 } });
    expect(await f.deliver(started)).toBe("applied");
    expect(await f.instances.get("i-1")).toMatchObject({
      state: "running",
      startedAt: at,
      lastHeartbeatAt: at,
    });
    expect(f.metrics.lastGauge("boot_phase_ms", { phase: "config" })).toBe(900);
    expect(f.metrics.lastGauge("boot_phase_ms", { phase: "imds" })).toBe(40);
    // The job is the webhook's business, not the agent's.
    expect((await f.jobs.get("7"))?.status).toBe("launched");
  });

  it("refuses `started` for an instance that is not recorded: no key can vouch for it", async () => {
    // The record (with the key) is written before the runner config that hands the key over,
    // so a genuine agent never reports before its record exists.
    const f = eventsFixture();
    expect(await f.deliver(agent("started", { agentVersion: "1" }))).toBe("rejected");
    expect(f.events.depth()).toEqual({ visible: 0, hidden: 0 });
    expect(f.metrics.total("events_rejected")).toBe(1);
    expect(await f.instances.get("i-1")).toBeNull();
  });

  it("counts cache figures", async () => {
    const f = eventsFixture();
    await f.seed(launched, pending);
    const stats = agent("cache_stats", { hits: 3, misses: 1, bytesDownloaded: 2048 });
    expect(await f.deliver(stats)).toBe("applied");
    expect(f.metrics.total("cache_hits")).toBe(3);
    expect(f.metrics.total("cache_misses")).toBe(1);
    expect(f.metrics.total("cache_bytes_downloaded")).toBe(2048);
    expect(f.metrics.lastGauge("CacheHitRate")).toBe(75);
  });

  it("ends an instance whose bootstrap failed and re-queues its unstarted job", async () => {
    const f = eventsFixture();
    await f.seed({ ...launched, runnerName: "r-7" }, pending);
    // No runner ever came online: GitHub still waits for one.
    f.statuses.set("7", "queued");
    const failed = agent("bootstrap_failed", { logTail: "fetching\nno runner tarball\n" });
    expect(await f.deliver(failed)).toBe("applied");
    expect(await f.instances.get("i-1")).toMatchObject({
      state: "terminated",
      reason: "bootstrap failed: no runner tarball",
    });
    expect(f.terminated).toEqual(["i-1"]);
    expect(await f.jobs.get("7")).toMatchObject({ status: "queued", instanceId: null });
    expect(await f.sent()).toHaveLength(1);
    expect(f.removedRunners).toEqual(["r-7"]);
  });

  it("sends malformed and unknown events to the DLQ and acknowledges them", async () => {
    const f = eventsFixture();
    await f.seed(launched, pending);
    expect(await f.deliver("{not json")).toBe("invalid");
    expect(await f.deliver(agent("reboot"))).toBe("invalid");
    expect(await f.deliver(ec2("EC2 Instance Launch Successful"))).toBe("invalid");
    // The agents' queue copies to the DLQ; the EC2 queue's redrive policy moves its own.
    expect(f.dead.map((d) => d.error)).toEqual([
      "body is not JSON",
      expect.stringMatching(/^unknown agent event/),
    ]);
    expect(f.dead[0]?.body).toBe("{not json");
    expect(f.events.depth()).toEqual({ visible: 0, hidden: 0 });
    expect(f.ec2Events.depth()).toEqual({ visible: 0, hidden: 1 });
    expect(f.metrics.total("events_invalid")).toBe(3);
    expect(await f.instances.get("i-1")).toMatchObject({ state: "pending", version: 1 });
  });

  it("without a DLQ, hides a malformed event so the queue's redrive policy takes it", async () => {
    const f = eventsFixture({ deadLetter: false });
    expect(await f.deliver("{not json")).toBe("invalid");
    expect(f.events.depth()).toEqual({ visible: 0, hidden: 1 });
    f.clock.advance(300_000);
    expect(f.events.depth()).toEqual({ visible: 1, hidden: 0 });
  });

  it("routes EC2's spot warning, rebalance advice and state changes to their handlers", async () => {
    const f = eventsFixture();
    await f.seed(launched, pending);
    await f.seed(
      sampleJob({ jobId: "8", status: "launched", instanceId: "i-2" }),
      sampleInstance("i-2", { jobId: "8" }),
    );
    await f.seed(
      sampleJob({ jobId: "9", status: "running", instanceId: "i-3" }),
      sampleInstance("i-3", { jobId: "9", state: "running" }),
    );
    f.statuses.set("7", "queued");
    expect(await f.deliver(ec2("EC2 Spot Instance Interruption Warning"))).toBe("applied");
    expect(await f.jobs.get("7")).toMatchObject({ status: "queued", retryCount: 1 });

    const rebalance = ec2("EC2 Instance Rebalance Recommendation", { "instance-id": "i-2" });
    expect(await f.deliver(rebalance)).toBe("applied");
    expect(await f.jobs.get("8")).toMatchObject({ status: "queued", retryCount: 0 });
    expect(f.terminated).toEqual(["i-2"]);

    const gone = ec2("EC2 Instance State-change Notification", {
      "instance-id": "i-3",
      state: "terminated",
    });
    expect(await f.deliver(gone)).toBe("applied");
    expect((await f.jobs.get("9"))?.status).toBe("orphaned");
    expect(await f.instances.get("i-3")).toMatchObject({ state: "terminated", terminatedAt: at });
  });

  it("looks again at an instance's end while GitHub cannot say whether its launched job ran", async () => {
    const f = eventsFixture();
    await f.seed(launched, pending);
    const gone = ec2("EC2 Instance State-change Notification", { state: "terminated" });
    expect(await f.deliver(gone)).toBe("retry");
    expect(f.ec2Events.depth()).toEqual({ visible: 0, hidden: 1 });
    expect((await f.jobs.get("7"))?.status).toBe("launched");
  });
});
