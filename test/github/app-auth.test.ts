import { afterEach, describe, expect, it } from "vitest";
import { FleetError } from "../../src/control/domain/errors.ts";
import { generateAppKey } from "../support/fake-github-keys.ts";
import { type Harness, harness } from "./harness.ts";

const repo = "acme/widgets";
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe("GitHub App authentication", () => {
  it.each(["pkcs1", "pkcs8"] as const)(
    "signs a JWT with a %s key and gets an installation token",
    async (keyFormat) => {
      h = await harness({ keyFormat });
      h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
      h.fake.setJob(repo, 42, "queued");

      expect(await h.github.jobStatus({ repo, jobId: "42", installationId: 7 })).toBe("queued");

      const exchange = h.fake.calls.find((c) => c.path === "/app/installations/7/access_tokens");
      expect(exchange).toMatchObject({ auth: "jwt", appId: "101", status: 201 });
      const job = h.fake.calls.find((c) => c.path === `/repos/${repo}/actions/jobs/42`);
      expect(job).toMatchObject({ auth: "token", installationId: 7, status: 200 });
    },
  );

  it("fails without retrying when the key does not match the App", async () => {
    h = await harness();
    h.fake.addApp("101", generateAppKey().publicKey); // GitHub knows another key
    h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
    const err = await h.github.jobStatus({ repo, jobId: "42", installationId: 7 }).catch((e) => e);
    expect(err).toBeInstanceOf(FleetError);
    expect(err).toMatchObject({ code: "github.unauthorized", retryable: false });
    expect(h.fake.count("POST", "/app/installations/7/access_tokens")).toBe(1);
  });

  it("caches the installation token until shortly before it expires", async () => {
    h = await harness();
    h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
    h.fake.setJob(repo, 42, "in_progress");
    const ask = () => h!.github.jobStatus({ repo, jobId: "42", installationId: 7 });

    await ask();
    await ask();
    h.clock.advance(54 * 60_000); // six minutes left: still good
    await ask();
    expect(h.fake.count("POST", "/app/installations/7/access_tokens")).toBe(1);

    h.clock.advance(2 * 60_000); // four minutes left: inside the refresh margin
    expect(await ask()).toBe("in_progress");
    expect(h.fake.count("POST", "/app/installations/7/access_tokens")).toBe(2);
    expect(h.fake.tokensIssued()).toHaveLength(2);
  });

  it("follows the expiry GitHub names, whatever the token's lifetime", async () => {
    h = await harness({ tokenTtlMs: 10 * 60_000 });
    h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
    h.fake.setJob(repo, 42, "completed");
    const ask = () => h!.github.jobStatus({ repo, jobId: "42", installationId: 7 });
    await ask();
    h.clock.advance(6 * 60_000); // the server would still take it, but it is within the margin
    await ask();
    h.clock.advance(11 * 60_000); // the second token has expired at the server too
    expect(await ask()).toBe("completed");
    expect(h.fake.count("POST", "/app/installations/7/access_tokens")).toBe(3);
    expect(h.fake.calls.filter((c) => c.status === 401)).toHaveLength(0);
  });

  it("finds the installation of a repository once, when the webhook gave none", async () => {
    h = await harness();
    h.fake.addInstallation({ id: 9, appId: "101", owner: "acme", repos: ["widgets"] });
    h.fake.setJob(repo, 1, "queued");
    await h.github.jobStatus({ repo, jobId: "1" });
    await h.github.jobStatus({ repo, jobId: "1" });
    expect(h.fake.count("GET", `/repos/${repo}/installation`)).toBe(1);
    expect(h.fake.calls.at(-1)).toMatchObject({ installationId: 9 });
  });

  it("says so when no configured App is installed on the repository", async () => {
    h = await harness();
    h.fake.addInstallation({ id: 9, appId: "101", owner: "acme", repos: ["other"] });
    await expect(h.github.jobStatus({ repo, jobId: "1" })).rejects.toMatchObject({
      code: "github.not_installed",
      retryable: false,
    });
  });

  it("talks to GitHub Enterprise Server under its /api/v3 base URL", async () => {
    h = await harness({ pathPrefix: "/api/v3", config: { jit: false } });
    h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
    const config = await h.github.createRunnerConfig({
      jobId: "5",
      repo,
      labels: ["runs-fleet"],
      instanceId: "i-1",
      installationId: 7,
    });
    const host = new URL(h.fake.url).host;
    expect(config).toMatchObject({ kind: "registration", url: `http://${host}/acme/widgets` });
    expect(h.fake.count("POST", `/repos/${repo}/actions/runners/registration-token`)).toBe(1);
  });
});
