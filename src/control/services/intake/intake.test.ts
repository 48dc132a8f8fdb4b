import { describe, expect, it } from "vitest";
import { rerunMarkerName } from "../../domain/rerun-marker.ts";
import { event, intakeFixture, now } from "./test-fixture.ts";

describe("intake: queued", () => {
  it("stores the job with its spec and candidates, then sends exactly one message", async () => {
    const s = intakeFixture();
    const answer = await s.intake.handle(event("queued"), "d-1");
    expect(answer).toEqual({ outcome: "queued", jobId: "7", status: "queued" });
    const stored = await s.store.get("7");
    expect(stored).toMatchObject({
      status: "queued",
      repo: "octo-org/app",
      runId: "555",
      jobName: "build",
      labels: ["self-hosted", "runs-fleet/cpu=4/arch=arm64"],
      deliveryIds: ["d-1"],
      spec: { cpu: { min: 4, max: 8 }, arch: "arm64", os: "linux" },
      lastEnqueuedAt: now,
      createdAt: now,
      retryCount: 0,
      forceOnDemand: false,
      version: 1,
    });
    expect(stored?.candidates[0]?.instanceType).toBe("c8g.xlarge");
    expect(await s.sent()).toEqual([
      expect.objectContaining({
        jobId: "7",
        repo: "octo-org/app",
        retryCount: 0,
        forceOnDemand: false,
        priority: "normal",
      }),
    ]);
  });

  it("answers a duplicate delivery as such and changes nothing", async () => {
    const s = intakeFixture();
    await s.intake.handle(event("queued"), "d-1");
    const stored = await s.store.get("7");
    const again = await s.intake.handle(event("queued"), "d-1");
    expect(again).toEqual({ outcome: "duplicate", jobId: "7", status: "queued" });
    expect(await s.store.get("7")).toEqual(stored);
    expect(await s.sent()).toHaveLength(1);
  });

  it("ignores a job whose labels carry no marker: nothing stored, nothing sent", async () => {
    const s = intakeFixture();
    const answer = await s.intake.handle(event("queued", { labels: ["ubuntu-latest"] }), "d-1");
    expect(answer).toEqual({ outcome: "ignored", jobId: "7", reason: "no runs-fleet label" });
    expect(await s.store.get("7")).toBeNull();
    expect(await s.sent()).toEqual([]);
  });

  it("stores a job with a bad label as rejected with its reason, and sends nothing", async () => {
    const s = intakeFixture();
    const answer = await s.intake.handle(event("queued", { labels: ["runs-fleet/cpus=4"] }), "d");
    expect(answer).toMatchObject({ outcome: "rejected", status: "rejected" });
    const stored = await s.store.get("7");
    expect(stored?.status).toBe("rejected");
    expect(stored?.reason).toMatch(/unknown key "cpus".*did you mean "cpu"/);
    expect(answer).toMatchObject({ reason: stored?.reason });
    expect(stored?.lastEnqueuedAt).toBeNull();
    expect(await s.sent()).toEqual([]);
  });

  it("sends GitHub's new attempt after a spot interruption on-demand, with the marker's retry count", async () => {
    const s = intakeFixture();
    await s.markers.put(rerunMarkerName("octo-org/app", "555", "build"), { retryCount: 1 }, 60);
    await s.intake.handle(event("queued", { id: 8, attempt: 2 }), "d-rerun");
    expect(await s.store.get("8")).toMatchObject({
      status: "queued",
      forceOnDemand: true,
      retryCount: 1,
      reason: "re-run after a spot interruption: on-demand",
    });
    expect(await s.sent()).toEqual([
      expect.objectContaining({ jobId: "8", forceOnDemand: true, retryCount: 1 }),
    ]);
    // A first attempt never looks for a marker, even when one is there.
    await s.intake.handle(event("queued", { id: 9, attempt: 1 }), "d-first");
    expect(await s.store.get("9")).toMatchObject({ forceOnDemand: false, retryCount: 0 });
  });

  it("acknowledges actions it does not handle", async () => {
    const s = intakeFixture();
    expect(await s.intake.handle(event("waiting"), "d")).toEqual({
      outcome: "ignored",
      jobId: "7",
      reason: "action waiting is not handled",
    });
  });
});
