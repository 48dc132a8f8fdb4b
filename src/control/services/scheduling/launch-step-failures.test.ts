import { describe, expect, it } from "vitest";
import { FleetError } from "../../domain/errors.ts";
import { launchJob } from "./launch-step.ts";
import { instanceFor, refuse, schedulingHarness } from "./test-harness.ts";

const capacity = new FleetError("capacity", "no spot capacity", { retryable: true });
const badTemplate = new FleetError("aws.InvalidLaunchTemplateName", "no such template");

describe("launch step, when something fails", () => {
  it("hands the job back when the launch fails in a way that may pass, keeping the cause", async () => {
    const h = schedulingHarness({ answer: refuse(capacity) });
    const claimed = await h.claim(await h.addJob());
    expect(await launchJob(h.deps, claimed)).toEqual({ outcome: "retry", cause: capacity });
    expect(await h.deps.jobs.get(claimed.jobId)).toMatchObject({
      status: "queued",
      reason: "launch failed, will retry: no spot capacity",
    });
    expect(h.deps.metrics.total("jobs_failed_to_launch")).toBe(0);
  });

  it("fails the job when the launch can never work", async () => {
    const h = schedulingHarness({ answer: refuse(badTemplate) });
    const claimed = await h.claim(await h.addJob());
    expect(await launchJob(h.deps, claimed)).toEqual({ outcome: "failed" });
    expect(await h.deps.jobs.get(claimed.jobId)).toMatchObject({
      status: "failed",
      reason: "launch failed: no such template",
    });
    expect(h.deps.metrics.total("jobs_failed_to_launch")).toBe(1);
  });

  it("ends the instance and hands the job back when its runner config fails for now", async () => {
    const h = schedulingHarness();
    const limited = new FleetError("rate_limited", "secondary rate limit", {
      retryable: true,
      retryAfterMs: 60_000,
    });
    h.github.failWith = limited;
    const claimed = await h.claim(await h.addJob());
    expect(await launchJob(h.deps, claimed)).toEqual({ outcome: "retry", cause: limited });
    expect(h.terminated).toEqual(["i-00000001"]);
    expect(await h.deps.jobs.get(claimed.jobId)).toMatchObject({
      status: "queued",
      reason: "runner config failed, will retry: secondary rate limit",
      instanceId: null,
    });
    expect(await h.deps.runnerConfigs.get("i-00000001")).toBeNull();

    // The next try launches: the reason of the failed one is over, not left on the record.
    h.github.failWith = undefined;
    const again = await h.claim((await h.deps.jobs.get(claimed.jobId))!);
    expect(await launchJob(h.deps, again)).toMatchObject({ outcome: "launched" });
    expect(await h.deps.jobs.get(claimed.jobId)).toMatchObject({
      status: "launched",
      reason: null,
    });
  });

  it("says so when recording the instance failed, ends it and hands the job back", async () => {
    const h = schedulingHarness();
    const timeout = new FleetError("throttled", "creating instance i-00000001 failed: timeout", {
      retryable: true,
    });
    const deps = {
      ...h.deps,
      instances: {
        ...h.deps.instances,
        create: async () => {
          throw timeout;
        },
      },
    };
    const claimed = await h.claim(await h.addJob());
    expect(await launchJob(deps, claimed)).toEqual({ outcome: "retry", cause: timeout });
    expect(h.terminated).toEqual(["i-00000001"]);
    expect(await h.deps.jobs.get(claimed.jobId)).toMatchObject({
      status: "queued",
      reason:
        "recording the instance failed, will retry: creating instance i-00000001 failed: timeout",
    });
  });

  it("ends the instance and fails the job when its runner config can never be made", async () => {
    const h = schedulingHarness();
    h.github.failWith = new FleetError("github.forbidden", "app not installed");
    const claimed = await h.claim(await h.addJob());
    expect(await launchJob(h.deps, claimed)).toEqual({ outcome: "failed" });
    expect(h.terminated).toEqual(["i-00000001"]);
    expect(await h.deps.jobs.get(claimed.jobId)).toMatchObject({
      status: "failed",
      reason: "runner config failed: app not installed",
    });
  });

  it("treats a refused config store write like a failed config, and survives a failed terminate", async () => {
    // An instance id the runner config store refuses to use as a key: not retryable.
    const h = schedulingHarness({
      answer: async (request) => ({
        instances: request.slots.map((s) => ({
          ...instanceFor(request, s, 1),
          instanceId: "../x",
        })),
        errors: [],
      }),
    });
    h.deps.terminate = async () => {
      throw new FleetError("aws.throttled", "slow down", { retryable: true });
    };
    const claimed = await h.claim(await h.addJob());
    expect(await launchJob(h.deps, claimed)).toEqual({ outcome: "failed" });
    const job = await h.deps.jobs.get(claimed.jobId);
    expect(job?.status).toBe("failed");
    expect(job?.reason).toMatch(/^runner config failed: .*not an instance id/);
  });

  it("ends the instance when the job moved while it was being launched", async () => {
    const h = schedulingHarness({
      answer: async (request) => {
        // GitHub says the job was cancelled while the provider was busy.
        const job = await h.deps.jobs.get("303");
        if (job) {
          await h.deps.jobs.transition("303", {
            from: job.status,
            to: "cancelled",
            expectedVersion: job.version,
          });
        }
        return { instances: request.slots.map((s) => instanceFor(request, s, 7)), errors: [] };
      },
    });
    const claimed = await h.claim(await h.addJob({ jobId: "303" }));
    expect(await launchJob(h.deps, claimed)).toEqual({ outcome: "skipped" });
    expect(h.terminated).toEqual(["i-00000007"]);
    expect(await h.deps.runnerConfigs.get("i-00000007")).toBeNull();
    expect((await h.deps.jobs.get("303"))?.status).toBe("cancelled");
    expect(h.deps.metrics.total("instances_launched")).toBe(0);
  });

  it("ends the configured instance when the job cannot be marked launched, and says so", async () => {
    const h = schedulingHarness();
    const claimed = await h.claim(await h.addJob({ jobId: "404" }));
    const outage = new FleetError("aws.InternalServerError", "store unavailable", {
      retryable: true,
    });
    const transition = h.deps.jobs.transition.bind(h.deps.jobs);
    h.deps.jobs.transition = async (id, change) => {
      if (change.to === "launched") throw outage;
      return await transition(id, change);
    };
    await expect(launchJob(h.deps, claimed)).rejects.toBe(outage);
    // The job stays `launching` for housekeeping: no instance may run it meanwhile.
    const [instanceId] = h.terminated;
    expect(instanceId).toBeDefined();
    expect(await h.deps.runnerConfigs.get(instanceId as string)).toBeNull();
    expect((await h.deps.jobs.get("404"))?.status).toBe("launching");
    expect(h.deps.metrics.total("instances_launched")).toBe(0);
  });
});
