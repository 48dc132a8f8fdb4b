import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffMs, defaultRetryPolicy, withJitterMs } from "./retry.ts";

describe("backoff", () => {
  it("stays within [0, min(max, base·2^(n-1))) for any try and any random draw", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (n, r) => {
          const d = backoffMs(n, defaultRetryPolicy, () => r);
          const cap = Math.min(
            defaultRetryPolicy.maxDelayMs,
            defaultRetryPolicy.baseDelayMs * 2 ** (n - 1),
          );
          return d >= 0 && d < cap;
        },
      ),
    );
  });

  it("doubles its ceiling per try", () => {
    const top = () => 0.9999;
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, defaultRetryPolicy, top))).toEqual([
      499, 999, 1999, 3999, 4999,
    ]);
  });

  it("never waits less than GitHub asked, and at most a second more", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 600_000 }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (w, r) => {
          const d = withJitterMs(w, () => r);
          return d >= w && d <= w + 1000;
        },
      ),
    );
  });
});
