import { afterEach, describe, expect, it } from "vitest";
import { type Harness, harness } from "./harness.ts";

const repo = "acme/widgets";
const jobPath = `/repos/${repo}/actions/jobs/42`;
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function ready(options: Parameters<typeof harness>[0] = {}) {
  h = await harness(options);
  h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
  h.fake.setJob(repo, 42, "queued");
  return h;
}
const ask = () => h!.github.jobStatus({ repo, jobId: "42", installationId: 7 });

describe("rate limits and retries", () => {
  it("waits out a secondary limit's retry-after, with jitter, then succeeds", async () => {
    await ready();
    h!.fake.secondaryRateLimit(jobPath, 2);
    expect(await ask()).toBe("queued");
    expect(h!.fake.count("GET", jobPath)).toBe(2);
    expect(h!.sleeps).toHaveLength(1);
    expect(h!.sleeps[0]).toBeGreaterThan(2000);
    expect(h!.sleeps[0]).toBeLessThanOrEqual(3000);
    expect(h!.metrics.total("github.throttled", { appId: "101" })).toBe(1);
  });

  it("hands a long wait back to the caller as a retryable error instead of sleeping", async () => {
    await ready();
    h!.fake.secondaryRateLimit(jobPath, 120);
    await expect(ask()).rejects.toMatchObject({
      code: "throttled",
      retryable: true,
      retryAfterMs: 120_000,
    });
    expect(h!.sleeps).toEqual([]);
    // The installation stays on hold: the next call does not reach GitHub.
    const before = h!.fake.calls.length;
    await expect(ask()).rejects.toMatchObject({ code: "throttled", retryable: true });
    expect(h!.fake.calls.length).toBe(before);
    expect(h!.github.rateLimit()).toContainEqual(
      expect.objectContaining({
        appId: "101",
        installationId: 7,
        blockedUntil: h!.clock.now() + 120_000,
      }),
    );
  });

  it("waits a minute for a secondary limit that names no time", async () => {
    await ready({ retry: { maxWaitMs: 90_000 } });
    h!.fake.secondaryRateLimit(jobPath);
    expect(await ask()).toBe("queued");
    expect(h!.sleeps[0]).toBeGreaterThanOrEqual(60_000);
  });

  it("treats 429 like a secondary limit", async () => {
    await ready();
    h!.fake.fail({ path: jobPath, status: 429, headers: { "retry-after": "1" } });
    expect(await ask()).toBe("queued");
    expect(h!.sleeps[0]).toBeGreaterThanOrEqual(1000);
  });

  it("retries server errors with exponential backoff and gives up after three tries", async () => {
    await ready({ random: () => 0.5 });
    h!.fake.fail({ path: jobPath, status: 502, times: 3 });
    await expect(ask()).rejects.toMatchObject({ code: "github.unavailable", retryable: true });
    expect(h!.fake.count("GET", jobPath)).toBe(3);
    expect(h!.sleeps).toEqual([250, 500]);
  });

  it("recovers when a server error clears", async () => {
    await ready();
    h!.fake.fail({ path: jobPath, status: 500, times: 2 });
    expect(await ask()).toBe("queued");
    expect(h!.fake.count("GET", jobPath)).toBe(3);
  });

  it("does not retry what cannot succeed", async () => {
    await ready();
    h!.fake.fail({ path: jobPath, status: 422, body: { message: "Validation Failed" } });
    await expect(ask()).rejects.toMatchObject({ code: "github.invalid", retryable: false });
    expect(h!.fake.count("GET", jobPath)).toBe(1);
    expect(h!.sleeps).toEqual([]);
  });

  it("reports the remaining budget as a metric and holds calls once it is spent", async () => {
    await ready();
    await ask();
    expect(
      h!.metrics.lastGauge("github.rate_limit.remaining", { appId: "101", installation: "7" }),
    ).toBe(4999);
    h!.fake.setRemaining(7, 0);
    await ask(); // answered, and the answer says the budget is gone
    expect(h!.metrics.lastGauge("github.rate_limit.remaining", { installation: "7" })).toBe(0);
    const before = h!.fake.calls.length;
    const err = await ask().catch((e) => e);
    expect(err).toMatchObject({ code: "throttled", retryable: true });
    expect(err.retryAfterMs).toBeGreaterThan(3_500_000);
    expect(h!.fake.calls.length).toBe(before);
    expect(h!.github.rateLimit()).toContainEqual(
      expect.objectContaining({ installationId: 7, limit: 5000, remaining: 0 }),
    );
  });
});
