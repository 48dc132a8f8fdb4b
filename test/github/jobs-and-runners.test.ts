import { afterEach, describe, expect, it } from "vitest";
import { type Harness, harness } from "./harness.ts";

const repo = "acme/widgets";
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function ready(options: Parameters<typeof harness>[0] = {}) {
  h = await harness(options);
  h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
  return h;
}

describe("job status", () => {
  it.each([
    ["queued", "queued"],
    ["waiting", "queued"],
    ["pending", "queued"],
    ["requested", "queued"],
    ["in_progress", "in_progress"],
    ["completed", "completed"],
    ["something_new", "unknown"],
  ])("maps GitHub's %s to %s", async (github, ours) => {
    await ready();
    h!.fake.setJob(repo, 42, github);
    expect(await h!.github.jobStatus({ repo, jobId: "42", installationId: 7 })).toBe(ours);
  });

  it("answers unknown for a job GitHub does not know", async () => {
    await ready();
    expect(await h!.github.jobStatus({ repo, jobId: "404", installationId: 7 })).toBe("unknown");
  });
});

describe("re-running a job", () => {
  it("re-runs a finished job", async () => {
    await ready();
    h!.fake.setJob(repo, 42, "completed", "failure");
    expect(await h!.github.rerunJob({ repo, jobId: "42", installationId: 7 })).toBe("rerun");
    expect(h!.fake.job(repo, 42)).toEqual({ status: "queued", conclusion: null });
  });

  it("takes 'already running' as an answer, not an error", async () => {
    await ready();
    h!.fake.setJob(repo, 42, "in_progress");
    expect(await h!.github.rerunJob({ repo, jobId: "42", installationId: 7 })).toBe(
      "already_running",
    );
    expect(h!.fake.count("POST", `/repos/${repo}/actions/jobs/42/rerun`)).toBe(1);
  });

  it("fails for a job that does not exist", async () => {
    await ready();
    await expect(h!.github.rerunJob({ repo, jobId: "9", installationId: 7 })).rejects.toMatchObject(
      {
        code: "not_found",
        retryable: false,
      },
    );
  });
});

describe("removing runners", () => {
  it("removes a repository runner by name", async () => {
    await ready();
    await h!.github.createRunnerConfig({
      jobId: "1",
      repo,
      labels: ["runs-fleet"],
      instanceId: "i-1",
      installationId: 7,
    });
    await h!.github.createRunnerConfig({
      jobId: "2",
      repo,
      labels: ["runs-fleet"],
      instanceId: "i-2",
      installationId: 7,
    });
    const removed = await h!.github.removeRunner({
      repo,
      runnerName: "runs-fleet-1-i-1",
      installationId: 7,
    });
    expect(removed).toBe("removed");
    expect(h!.fake.runners(repo).map((r) => r.name)).toEqual(["runs-fleet-2-i-2"]);
  });

  it("says not_found for a runner that is gone", async () => {
    await ready();
    expect(
      await h!.github.removeRunner({ repo, runnerName: "runs-fleet-1-i-1", installationId: 7 }),
    ).toBe("not_found");
  });

  it("leaves a busy runner alone", async () => {
    await ready();
    await h!.github.createRunnerConfig({
      jobId: "1",
      repo,
      labels: ["runs-fleet"],
      instanceId: "i-1",
      installationId: 7,
    });
    h!.fake.runners(repo)[0]!.busy = true;
    expect(
      await h!.github.removeRunner({ repo, runnerName: "runs-fleet-1-i-1", installationId: 7 }),
    ).toBe("busy");
    expect(h!.fake.runners(repo)).toHaveLength(1);
  });

  it("removes organisation runners through the organisation endpoints", async () => {
    await ready({ config: { runnerScope: "org" } });
    await h!.github.createRunnerConfig({
      jobId: "1",
      repo,
      labels: ["runs-fleet"],
      instanceId: "i-1",
      installationId: 7,
    });
    expect(h!.fake.runners("acme")).toHaveLength(1);
    expect(
      await h!.github.removeRunner({ repo, runnerName: "runs-fleet-1-i-1", installationId: 7 }),
    ).toBe("removed");
    expect(h!.fake.runners("acme")).toHaveLength(0);
    expect(h!.fake.count("DELETE", /^\/orgs\/acme\/actions\/runners\/\d+$/)).toBe(1);
  });
});

describe("a lost installation", () => {
  it("is an error, not an unknown job or a runner already gone", async () => {
    await ready();
    h!.fake.setJob(repo, 42, "queued");
    h!.fake.state.installations.delete(7); // the App was uninstalled
    await expect(
      h!.github.jobStatus({ repo, jobId: "42", installationId: 7 }),
    ).rejects.toMatchObject({
      code: "github.installation_unavailable",
      retryable: false,
    });
    await expect(
      h!.github.removeRunner({ repo, runnerName: "runs-fleet-1-i-1", installationId: 7 }),
    ).rejects.toMatchObject({ code: "github.installation_unavailable" });
  });
});
