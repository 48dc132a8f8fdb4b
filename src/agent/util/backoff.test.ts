import { describe, expect, it } from "vitest";
import { backoffDelay, retry } from "./backoff.ts";

describe("backoffDelay", () => {
  const policy = { baseMs: 100, maxMs: 1000 };

  it("grows exponentially up to the cap, keeping half of it as a floor", () => {
    expect(backoffDelay(0, policy, () => 0)).toBe(50);
    expect(backoffDelay(0, policy, () => 0.999_999)).toBeCloseTo(100, 2);
    expect(backoffDelay(3, policy, () => 0)).toBe(400);
    expect(backoffDelay(10, policy, () => 0)).toBe(500);
    expect(backoffDelay(10, policy, () => 0.999_999)).toBeCloseTo(1000, 2);
  });

  it("jitters between instances", () => {
    const values = [0.1, 0.5, 0.9].map((r) => backoffDelay(2, policy, () => r));
    expect(new Set(values).size).toBe(3);
  });
});

describe("retry", () => {
  const fast = { baseMs: 1, maxMs: 2 };

  it("retries until success", async () => {
    let calls = 0;
    const out = await retry(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error("flaky");
        return "ok";
      },
      { ...fast, attempts: 5 },
    );
    expect(out).toBe("ok");
    expect(calls).toBe(3);
  });

  it("gives up after the last attempt and on non-retryable errors", async () => {
    let calls = 0;
    const failing = async () => {
      calls += 1;
      throw new Error(`fail ${calls}`);
    };
    await expect(retry(failing, { ...fast, attempts: 3 })).rejects.toThrow("fail 3");
    calls = 0;
    await expect(
      retry(failing, { ...fast, attempts: 3, shouldRetry: () => false }),
    ).rejects.toThrow("fail 1");
  });
});
