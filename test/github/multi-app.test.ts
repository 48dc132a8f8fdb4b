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
});
