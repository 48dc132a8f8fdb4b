import { afterEach, describe, expect, it } from "vitest";
import { createScheduler } from "../../src/control/services/scheduling/scheduler.ts";
import { schedulingHarness } from "../../src/control/services/scheduling/test-harness.ts";
import { type Harness, harness } from "./harness.ts";

/**
 * The scheduler with the real GitHub App adapter in front of the fake GitHub: a job whose
 * repository has no installation is failed without anything launched.
 */
const repo = "acme/widgets";
let gh: Harness | undefined;
afterEach(async () => {
  await gh?.stop();
  gh = undefined;
});

async function setUp() {
  gh = await harness();
  const s = schedulingHarness({ github: gh.github });
  return { gh, s, scheduler: createScheduler(s.deps) };
}

describe("scheduling against GitHub's installation of the App", () => {
  it("fails a job of a repository without the App, with what to do, and launches nothing", async () => {
    const { s, scheduler } = await setUp();
    const job = await s.addJob({ jobId: "501", repo, installationId: null });
    expect(await scheduler.handle(await s.receive(job))).toBe("failed");
    const stored = await s.deps.jobs.get("501");
    expect(stored?.status).toBe("failed");
    expect(stored?.reason).toMatch(
      /^the runs-fleet GitHub App is not installed on acme\/widgets — install it .*then re-run the job$/,
    );
    expect(s.requests).toHaveLength(0);
    expect(s.queue.depth()).toEqual({ visible: 0, hidden: 0 });
  });

  it("launches a job of a repository with the App installed", async () => {
    const { gh, s, scheduler } = await setUp();
    gh.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
    const job = await s.addJob({ jobId: "502", repo, installationId: 7 });
    expect(await scheduler.handle(await s.receive(job))).toBe("launched");
    expect(s.requests).toHaveLength(1);
  });

  it("notices a removed installation once its cached answer expires", async () => {
    const { gh, s, scheduler } = await setUp();
    gh.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
    const first = await s.addJob({ jobId: "503", repo, installationId: 7 });
    expect(await scheduler.handle(await s.receive(first))).toBe("launched");
    gh.fake.state.installations.delete(7);
    gh.clock.advance(10 * 60_000);
    const second = await s.addJob({ jobId: "504", repo, installationId: 7 });
    expect(await scheduler.handle(await s.receive(second))).toBe("failed");
    expect((await s.deps.jobs.get("504"))?.reason).toMatch(/not installed on acme\/widgets/);
    expect(s.requests).toHaveLength(1);
  });

  it("hands the job back, launching nothing, while GitHub cannot answer", async () => {
    const { gh, s, scheduler } = await setUp();
    gh.fake.fail({ path: "/repos/acme/widgets/installation", status: 502 });
    const job = await s.addJob({ jobId: "505", repo });
    expect(await scheduler.handle(await s.receive(job))).toBe("retry");
    expect((await s.deps.jobs.get("505"))?.status).toBe("queued");
    expect(s.requests).toHaveLength(0);
    expect(s.queue.depth()).toEqual({ visible: 0, hidden: 1 });
  });
});
