import { afterEach, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { createDryRunGitHub } from "../../src/control/adapters/local/dry-run-github.ts";
import { FleetError } from "../../src/control/domain/errors.ts";
import { type Harness, harness } from "./harness.ts";

const repo = "acme/widgets";
const lookUp = "/repos/acme/widgets/installation";
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const minutes = (n: number) => n * 60_000;

describe("GitHub App installation check", () => {
  it("says not installed, asks once for a burst, and notices a fresh install within a minute", async () => {
    h = await harness();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => h!.github.installation(repo)),
    );
    expect(new Set(answers)).toEqual(new Set(["not_installed"]));
    expect(h.fake.count("GET", lookUp)).toBe(1);

    h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
    h.clock.advance(minutes(1) - 1);
    expect(await h.github.installation(repo)).toBe("not_installed");
    h.clock.advance(1);
    expect(await h.github.installation(repo)).toBe("installed");
    expect(h.fake.count("GET", lookUp)).toBe(2);
  });

  it("trusts an installation for ten minutes, then notices it was removed", async () => {
    h = await harness();
    h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
    expect(await h.github.installation(repo)).toBe("installed");
    h.fake.state.installations.delete(7);
    h.clock.advance(minutes(10) - 1);
    expect(await h.github.installation(repo)).toBe("installed");
    expect(h.fake.count("GET", lookUp)).toBe(1);
    h.clock.advance(1);
    expect(await h.github.installation(repo)).toBe("not_installed");
  });

  it("answers the launch's check and the calls after it from one look-up", async () => {
    h = await harness();
    h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
    h.fake.setJob(repo, 42, "queued");
    expect(await h.github.installation(repo)).toBe("installed");
    expect(await h.github.jobStatus({ repo, jobId: "42" })).toBe("queued");
    expect(h.fake.count("GET", lookUp)).toBe(1);
  });

  it("counts a repository left out of a selected-repositories installation as not installed", async () => {
    h = await harness();
    h.fake.addInstallation({ id: 7, appId: "101", owner: "acme", repos: ["other"] });
    expect(await h.github.installation(repo)).toBe("not_installed");
    expect(await h.github.installation("acme/other")).toBe("installed");
  });

  it("asks about the organisation when runners belong to it", async () => {
    h = await harness({ config: { runnerScope: "org" } });
    h.fake.addInstallation({ id: 7, appId: "101", owner: "acme", repos: ["other"] });
    expect(await h.github.installation(repo)).toBe("installed");
    expect(h.fake.count("GET", "/orgs/acme/installation")).toBe(1);
  });

  it("says suspended for a suspended installation", async () => {
    h = await harness();
    h.fake.fail({
      path: lookUp,
      status: 200,
      body: { id: 7, app_id: 101, suspended_at: "2026-01-01T00:00:00Z" },
    });
    expect(await h.github.installation(repo)).toBe("suspended");
  });

  it("is installed when any configured App is", async () => {
    h = await harness({ apps: 2 });
    h.fake.addInstallation({ id: 8, appId: "102", owner: "acme" });
    expect(await h.github.installation(repo)).toBe("installed");
  });

  it("throws a retryable error when GitHub cannot answer, and caches nothing of it", async () => {
    h = await harness();
    h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
    h.fake.fail({ path: lookUp, status: 502 });
    const failure = await h.github.installation(repo).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FleetError);
    expect(failure).toMatchObject({ retryable: true });
    expect(await h.github.installation(repo)).toBe("installed");
  });

  it("says nothing rather than 'not installed' when one App is unsure and the other says no", async () => {
    h = await harness({ apps: 2 });
    h.fake.fail({ path: lookUp, status: 503, times: 1 });
    const failure = await h.github.installation(repo).catch((e: unknown) => e);
    expect(failure).toMatchObject({ retryable: true });
  });

  it("looks again as soon as a call finds the installation gone", async () => {
    h = await harness();
    h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
    expect(await h.github.installation(repo)).toBe("installed");
    h.fake.state.installations.delete(7);
    // The token exchange answers 404: the installation went away.
    await expect(h.github.jobStatus({ repo, jobId: "1", installationId: 7 })).rejects.toThrow();
    expect(await h.github.installation(repo)).toBe("not_installed");
  });

  it("treats every repository as installed in dry-run mode (local mode, no App)", async () => {
    const gh = createDryRunGitHub({ clock: fixedClock(0) });
    expect(await gh.installation("anyone/anything")).toBe("installed");
  });
});
