import { describe, expect, it } from "vitest";
import { fixedClock } from "../clock.ts";
import { createMemoryRunnerConfigStore } from "../memory/runner-config-store.ts";
import { createDryRunGitHub } from "./dry-run-github.ts";

const repo = "acme/widgets";

describe("dry-run GitHub", () => {
  it("hands out dry-run configs and follows the simulated job to completion", async () => {
    const clock = fixedClock(0);
    const gh = createDryRunGitHub({ clock, durationSeconds: 30, outcome: "failure" });
    expect(await gh.jobStatus({ repo, jobId: "1" })).toBe("queued");
    const config = await gh.createRunnerConfig({
      jobId: "1",
      repo,
      labels: ["runs-fleet"],
      instanceId: "local-1",
    });
    expect(config).toEqual({
      kind: "dry-run",
      jobId: "1",
      runnerName: "runs-fleet-1-local-1",
      durationSeconds: 30,
      outcome: "failure",
    });
    clock.advance(29_999);
    expect(await gh.jobStatus({ repo, jobId: "1" })).toBe("in_progress");
    clock.advance(1);
    expect(await gh.jobStatus({ repo, jobId: "1" })).toBe("completed");
    expect(gh.rateLimit()).toEqual([]);
  });

  it("re-runs only finished jobs, which are then queued again", async () => {
    const clock = fixedClock(0);
    const gh = createDryRunGitHub({ clock, durationSeconds: 1 });
    await gh.createRunnerConfig({
      jobId: "2",
      repo,
      labels: ["runs-fleet"],
      instanceId: "local-2",
    });
    expect(await gh.rerunJob({ repo, jobId: "2" })).toBe("already_running");
    clock.advance(1000);
    expect(await gh.rerunJob({ repo, jobId: "2" })).toBe("rerun");
    expect(await gh.jobStatus({ repo, jobId: "2" })).toBe("queued");
  });

  it("answers what it was told, until told otherwise", async () => {
    const gh = createDryRunGitHub({ clock: fixedClock(0), unknownJobStatus: "unknown" });
    expect(await gh.jobStatus({ repo, jobId: "3" })).toBe("unknown");
    gh.setJobStatus("3", "completed");
    expect(await gh.jobStatus({ repo, jobId: "3" })).toBe("completed");
    gh.setJobStatus("3", undefined);
    expect(await gh.jobStatus({ repo, jobId: "3" })).toBe("unknown");
  });

  it("removes the runners it made, once", async () => {
    const gh = createDryRunGitHub({ clock: fixedClock(0) });
    await gh.createRunnerConfig({
      jobId: "4",
      repo,
      labels: ["runs-fleet"],
      instanceId: "local-4",
    });
    expect(await gh.removeRunner({ repo, runnerName: "runs-fleet-4-local-4" })).toBe("removed");
    expect(await gh.removeRunner({ repo, runnerName: "runs-fleet-4-local-4" })).toBe("not_found");
  });
});

describe("dry-run GitHub over a runner config store", () => {
  it("counts a job queued until its agent takes the config, then follows the simulated job", async () => {
    const clock = fixedClock(0);
    const configs = createMemoryRunnerConfigStore();
    const gh = createDryRunGitHub({ clock, durationSeconds: 30, runnerConfigs: configs });
    const req = { jobId: "5", repo, labels: ["runs-fleet"], instanceId: "local-5" };
    await configs.put("local-5", await gh.createRunnerConfig(req));
    clock.advance(60_000);
    // The instance ended before its agent looked: GitHub would still wait for a runner.
    expect(await gh.jobStatus({ repo, jobId: "5" })).toBe("queued");
    await configs.delete("local-5");
    expect(await gh.jobStatus({ repo, jobId: "5" })).toBe("completed");

    await configs.put("local-6", await gh.createRunnerConfig({ ...req, instanceId: "local-6" }));
    await configs.delete("local-6");
    expect(await gh.jobStatus({ repo, jobId: "5" })).toBe("in_progress");
  });
});
