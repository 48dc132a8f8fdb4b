import { describe, expect, it } from "vitest";
import { FleetError } from "../../domain/errors.ts";
import { retryDelay } from "./retry.ts";

const rateLimited = (retryAfterMs: number) =>
  new FleetError("rate_limited", "slow down", { retryable: true, retryAfterMs });
const top = () => 0.999_999;
const bottom = () => 0;

describe("retryDelay", () => {
  it("honours a retryAfterMs on the error, rounded up to whole seconds", () => {
    expect(retryDelay(rateLimited(42_300), 1, { random: bottom })).toBe(43);
    // Even on a late attempt, whose backoff alone would be far shorter or longer.
    expect(retryDelay(rateLimited(1_000), 9, { random: top })).toBe(1);
    expect(retryDelay(rateLimited(900_000), 1)).toBe(900);
  });

  it("finds a retryAfterMs on a wrapped cause", () => {
    const wrapped = new FleetError("launch_failed", "batched launch failed", {
      retryable: true,
      cause: rateLimited(7_000),
    });
    expect(retryDelay(wrapped, 1, { random: bottom })).toBe(7);
  });

  it("bounds a remote side's wait, and never goes below zero", () => {
    expect(retryDelay(rateLimited(86_400_000), 1)).toBe(3_600);
    expect(retryDelay(rateLimited(86_400_000), 1, { maxRetryAfterSeconds: 600 })).toBe(600);
    expect(retryDelay(rateLimited(-5), 1)).toBe(0);
  });

  it("doubles per attempt from the base", () => {
    const at = (attempt: number) => retryDelay(new Error("boom"), attempt, { random: top });
    expect([1, 2, 3, 4, 5].map(at)).toEqual([5, 10, 20, 40, 80]);
    expect(retryDelay(null, 3, { baseSeconds: 2, random: top })).toBe(8);
  });

  it("is bounded by the cap, however many attempts", () => {
    expect(retryDelay(null, 9, { random: top })).toBe(300);
    expect(retryDelay(null, 10_000, { random: top })).toBe(300);
    expect(retryDelay(null, 10_000, { baseSeconds: 0, random: top })).toBe(0);
    expect(retryDelay(null, 12, { maxSeconds: 60, random: top })).toBe(60);
  });

  it("spreads the wait over the upper half of the backoff", () => {
    for (let i = 0; i <= 20; i++) {
      const r = i / 20 - 1e-9;
      const d = retryDelay(null, 4, { random: () => Math.max(0, r), wholeSeconds: false });
      expect(d).toBeGreaterThanOrEqual(20);
      expect(d).toBeLessThanOrEqual(40);
    }
    expect(retryDelay(null, 4, { random: bottom, wholeSeconds: false })).toBe(20);
    expect(retryDelay(null, 4, { random: () => 0.5, wholeSeconds: false })).toBe(30);
    // A random source outside [0, 1) cannot push the wait out of range.
    expect(retryDelay(null, 4, { random: () => 7, wholeSeconds: false })).toBe(40);
    expect(retryDelay(null, 4, { random: () => -1, wholeSeconds: false })).toBe(20);
  });

  it("is the same for the same random draw", () => {
    const draws = [0.1, 0.6, 0.3];
    const run = () => {
      let i = 0;
      const random = () => draws[i++ % draws.length] ?? 0;
      return [1, 2, 3, 4].map((attempt) => retryDelay(null, attempt, { random }));
    };
    expect(run()).toEqual(run());
    expect(run()).toEqual([3, 8, 13, 22]);
  });

  it("keeps fractions when asked, for waits shorter than a second", () => {
    const opts = { baseSeconds: 0.004, maxSeconds: 0.1, wholeSeconds: false, random: top };
    expect(retryDelay(null, 1, opts)).toBeCloseTo(0.004, 6);
    expect(retryDelay(null, 2, opts)).toBeCloseTo(0.008, 6);
    expect(retryDelay(null, 10, opts)).toBeCloseTo(0.1, 6);
  });
});
