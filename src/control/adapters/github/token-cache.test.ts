import { describe, expect, it } from "vitest";
import { fixedClock } from "../clock.ts";
import { createTokenCache } from "./token-cache.ts";

describe("installation token cache", () => {
  it("keeps a token until the margin before its expiry", () => {
    const clock = fixedClock(Date.parse("2030-01-01T00:00:00Z"));
    const cache = createTokenCache(clock, 5 * 60_000);
    cache.set("7", "ghs_x|2030-01-01T00:00:00.000Z|2030-01-01T01:00:00Z|all|actions|");
    clock.advance(54 * 60_000);
    expect(cache.get("7")).toMatch(/^ghs_x\|/);
    clock.advance(60_000);
    expect(cache.get("7")).toBeUndefined();
    expect(cache.size()).toBe(0);
  });

  it("does not keep a value it cannot date", () => {
    const cache = createTokenCache(fixedClock(0));
    cache.set("7", "ghs_x|created|not-a-date");
    expect(cache.get("7")).toBeUndefined();
  });
});
