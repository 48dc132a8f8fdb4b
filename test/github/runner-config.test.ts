import { afterEach, describe, expect, it } from "vitest";
import { FleetError, ValidationError } from "../../src/control/domain/errors.ts";
import { type Harness, harness } from "./harness.ts";

const repo = "acme/widgets";
const labels = ["self-hosted", "runs-fleet/cpu=4/arch=arm64"];
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe("runner configs", () => {
  it("creates a JIT config for a repository runner named after job and instance", async () => {
    h = await harness();
    h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
    const config = await h.github.createRunnerConfig({
      jobId: "42",
      repo,
      labels,
      instanceId: "i-0abc",
      installationId: 7,
    });

    expect(config).toMatchObject({ kind: "jit", jobId: "42", runnerName: "runs-fleet-42-i-0abc" });
    expect(config.kind === "jit" && h.fake.secrets.includes(config.encodedJitConfig)).toBe(true);
    expect(h.fake.runners(repo)).toEqual([
      expect.objectContaining({ name: "runs-fleet-42-i-0abc", labels, groupId: 1 }),
    ]);
  });

  it("registers organisation runners in the configured group, looked up by name once", async () => {
    h = await harness({ config: { runnerScope: "org", runnerGroup: "ci-spot" } });
    h.fake.addInstallation({ id: 8, appId: "101", owner: "acme" });
    h.fake.addRunnerGroup("acme", "other");
    const group = h.fake.addRunnerGroup("acme", "CI-Spot");
    await h.github.createRunnerConfig({
      jobId: "1",
      repo,
      labels,
      instanceId: "i-1",
      installationId: 8,
    });
    await h.github.createRunnerConfig({
      jobId: "2",
      repo: "acme/gadgets",
      labels,
      instanceId: "i-2",
      installationId: 8,
    });

    expect(h.fake.runners("acme").map((r) => [r.name, r.groupId])).toEqual([
      ["runs-fleet-1-i-1", group],
      ["runs-fleet-2-i-2", group],
    ]);
    expect(h.fake.count("GET", "/orgs/acme/actions/runner-groups")).toBe(1);
    expect(h.fake.count("POST", "/orgs/acme/actions/runners/generate-jitconfig")).toBe(2);
  });

  it("refuses a runner group that does not exist, without retrying", async () => {
    h = await harness({ config: { runnerScope: "org", runnerGroup: "nope" } });
    h.fake.addInstallation({ id: 8, appId: "101", owner: "acme" });
    const err = await h.github
      .createRunnerConfig({ jobId: "1", repo, labels, instanceId: "i-1", installationId: 8 })
      .catch((e) => e);
    expect(err).toMatchObject({ code: "github.runner_group_not_found", retryable: false });
    expect(h.fake.count("POST", /generate-jitconfig$/)).toBe(0);
  });

  it("falls back to a registration token where JIT is missing, and remembers it", async () => {
    h = await harness({ config: { serverUrl: "https://github.com" } });
    h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
    h.fake.state.jitEnabled = false;
    const first = await h.github.createRunnerConfig({
      jobId: "1",
      repo,
      labels,
      instanceId: "i-1",
      installationId: 7,
    });
    await h.github.createRunnerConfig({
      jobId: "2",
      repo,
      labels,
      instanceId: "i-2",
      installationId: 7,
    });

    expect(first).toMatchObject({
      kind: "registration",
      runnerName: "runs-fleet-1-i-1",
      url: "https://github.com/acme/widgets",
      labels,
    });
    expect(first.kind === "registration" && h.fake.secrets.includes(first.token)).toBe(true);
    expect(h.fake.count("POST", `/repos/${repo}/actions/runners/generate-jitconfig`)).toBe(1);
    expect(h.fake.count("POST", `/repos/${repo}/actions/runners/registration-token`)).toBe(2);
  });

  it("uses registration tokens only when JIT is turned off, with the group for org runners", async () => {
    h = await harness({
      config: {
        jit: false,
        runnerScope: "org",
        runnerGroup: "ci",
        serverUrl: "https://github.com",
      },
    });
    h.fake.addInstallation({ id: 8, appId: "101", owner: "acme" });
    const config = await h.github.createRunnerConfig({
      jobId: "3",
      repo,
      labels,
      instanceId: "i-3",
      installationId: 8,
    });
    expect(config).toMatchObject({
      kind: "registration",
      url: "https://github.com/acme",
      runnerGroup: "ci",
    });
    expect(h.fake.count("POST", /generate-jitconfig$/)).toBe(0);
  });

  it("rejects a job without labels or with a bad repository before calling GitHub", async () => {
    h = await harness();
    h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
    await expect(
      h.github.createRunnerConfig({
        jobId: "1",
        repo,
        labels: [" "],
        instanceId: "i-1",
        installationId: 7,
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      h.github.createRunnerConfig({
        jobId: "1",
        repo: "acme",
        labels,
        instanceId: "i-1",
        installationId: 7,
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(h.fake.calls).toHaveLength(0);
  });

  it("reports a runner name that already exists as a conflict", async () => {
    h = await harness();
    h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
    const req = { jobId: "1", repo, labels, instanceId: "i-1", installationId: 7 };
    await h.github.createRunnerConfig(req);
    const err = await h.github.createRunnerConfig(req).catch((e) => e);
    expect(err).toBeInstanceOf(FleetError);
    expect(err).toMatchObject({ code: "conflict", retryable: false });
  });
});
