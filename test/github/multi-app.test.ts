import { afterEach, describe, expect, it } from "vitest";
import { type Harness, harness } from "./harness.ts";

const repo = "acme/widgets";
const jobPath = `/repos/${repo}/actions/jobs/42`;
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function twoApps() {
  h = await harness({ apps: 2, config: { runnerScope: "org" } });
  h.fake.addInstallation({ id: 71, appId: "101", owner: "acme" });
  h.fake.addInstallation({ id: 72, appId: "102", owner: "acme" });
  h.fake.setJob(repo, 42, "queued");
  return h;
}
const ask = () => h!.github.jobStatus({ repo, jobId: "42" });
const jobCalls = () => h!.fake.calls.filter((c) => c.path === jobPath).map((c) => c.installationId);

describe("several Apps", () => {
  it("spreads calls over the installations of every App, round-robin", async () => {
    await twoApps();
    for (let i = 0; i < 4; i++) await ask();
    expect(jobCalls()).toEqual([71, 72, 71, 72]);
    // Each App was asked once where it is installed.
    expect(
      h!.fake.calls.filter((c) => c.path === "/orgs/acme/installation").map((c) => c.appId),
    ).toEqual(["101", "102"]);
  });

  it("moves to another App when one is rate limited, without waiting", async () => {
    await twoApps();
    h!.fake.secondaryRateLimit(jobPath, 600);
    expect(await ask()).toBe("queued");
    expect(await ask()).toBe("queued");
    expect(jobCalls()).toEqual([71, 72, 72]);
    expect(h!.sleeps).toEqual([]);
  });

  it("looks only at Apps installed on the account", async () => {
    h = await harness({ apps: 2 });
    h.fake.addInstallation({ id: 72, appId: "102", owner: "acme" });
    h.fake.setJob(repo, 42, "queued");
    await ask();
    await ask();
    expect(jobCalls()).toEqual([72, 72]);
  });

  it("shares one installation look-up between concurrent calls", async () => {
    await twoApps();
    await Promise.all([ask(), ask(), ask()]);
    expect(h!.fake.count("GET", "/orgs/acme/installation")).toBe(2); // once per App
    expect(jobCalls()).toHaveLength(3);
  });

  it("retries a look-up that met a server error", async () => {
    await twoApps();
    h!.fake.fail({ path: "/orgs/acme/installation", status: 502, times: 2 });
    expect(await ask()).toBe("queued");
    expect(h!.sleeps).toHaveLength(1);
  });

  it("looks again after an installation went away", async () => {
    await twoApps();
    await ask();
    h!.fake.state.installations.delete(72);
    h!.fake.addInstallation({ id: 73, appId: "102", owner: "acme" }); // re-installed
    await expect(ask()).rejects.toMatchObject({ code: "github.installation_unavailable" });
    await ask();
    await ask();
    expect(jobCalls()).toEqual([71, 71, 73]);
  });
});
