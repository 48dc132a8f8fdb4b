import { describe, expect, it } from "vitest";
import { FleetError } from "../../domain/errors.ts";
import { launchJob } from "./launch-step.ts";
import { schedulingHarness } from "./test-harness.ts";

describe("launch step, GitHub App installation", () => {
  it("fails a job whose repository has no installation, saying what to do, and launches nothing", async () => {
    const h = schedulingHarness();
    h.github.installationState = "not_installed";
    const claimed = await h.claim(await h.addJob({ repo: "acme/widgets" }));
    expect(await launchJob(h.deps, claimed)).toEqual({ outcome: "failed" });
    const job = await h.deps.jobs.get(claimed.jobId);
    expect(job?.status).toBe("failed");
    expect(job?.reason).toBe(
      "the runs-fleet GitHub App is not installed on acme/widgets — install it on the repository (or on its organisation with access to acme/widgets), then re-run the job",
    );
    expect(h.requests).toEqual([]);
    expect(h.terminated).toEqual([]);
    expect(h.deps.metrics.total("jobs_failed_to_launch")).toBe(1);
  });

  it("fails a job whose installation is suspended, saying how to lift it", async () => {
    const h = schedulingHarness();
    h.github.installationState = "suspended";
    const claimed = await h.claim(await h.addJob({ repo: "acme/widgets" }));
    expect(await launchJob(h.deps, claimed)).toEqual({ outcome: "failed" });
    expect((await h.deps.jobs.get(claimed.jobId))?.reason).toMatch(
      /^the runs-fleet GitHub App's installation on acme\/widgets is suspended — unsuspend it .*then re-run the job$/,
    );
    expect(h.requests).toEqual([]);
  });

  it("hands the job back when GitHub cannot say for now, launching nothing", async () => {
    const h = schedulingHarness();
    const down = new FleetError("github.unavailable", "GitHub answered 502", { retryable: true });
    h.github.installationState = down;
    const claimed = await h.claim(await h.addJob());
    expect(await launchJob(h.deps, claimed)).toEqual({ outcome: "retry", cause: down });
    expect(await h.deps.jobs.get(claimed.jobId)).toMatchObject({
      status: "queued",
      reason: "GitHub App installation check failed, will retry: GitHub answered 502",
    });
    expect(h.requests).toEqual([]);
  });

  it("fails the job when the check can never succeed (a refused App key)", async () => {
    const h = schedulingHarness();
    h.github.installationState = new FleetError("github.unauthorized", "GitHub answered 401");
    const claimed = await h.claim(await h.addJob());
    expect(await launchJob(h.deps, claimed)).toEqual({ outcome: "failed" });
    expect((await h.deps.jobs.get(claimed.jobId))?.reason).toBe(
      "GitHub App installation check failed: GitHub answered 401",
    );
    expect(h.requests).toEqual([]);
  });

  it("launches as before when the App is installed", async () => {
    const h = schedulingHarness();
    const claimed = await h.claim(await h.addJob());
    expect(await launchJob(h.deps, claimed)).toEqual({ outcome: "launched" });
    expect(h.requests).toHaveLength(1);
  });
});
