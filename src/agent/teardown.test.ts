import { describe, expect, it } from "vitest";
import { deliveryDeadline } from "./teardown.ts";

const now = Date.parse("2026-03-01T00:00:00.000Z");
const maxMs = 30 * 60_000;

describe("deliveryDeadline", () => {
  it("holds the instance up to the maximum without a spot notice", () => {
    expect(deliveryDeadline({ now, maxMs })).toBe(now + maxMs);
    expect(deliveryDeadline({ now, maxMs, spotTime: "not a time" })).toBe(now + maxMs);
  });

  it("stops at a pending spot notice's reclaim time when that comes first", () => {
    const spotTime = "2026-03-01T00:02:00.000Z";
    expect(deliveryDeadline({ now, maxMs, spotTime })).toBe(Date.parse(spotTime));
    expect(deliveryDeadline({ now, maxMs: 60_000, spotTime })).toBe(now + 60_000);
  });

  it("never lies in the past, even when the reclaim time has passed", () => {
    expect(deliveryDeadline({ now, maxMs, spotTime: "2026-02-28T23:59:00.000Z" })).toBe(now);
  });
});
