import { describe, expect, it } from "vitest";
import { silentLogger } from "../shared/logger.ts";
import type { AgentState } from "./context.ts";
import { debugHoldMs, holdForDebug } from "./debug-hold.ts";

const state = (): AgentState => ({
  phase: "running",
  jobId: undefined,
  spot: undefined,
  onSpot: undefined,
});

function ctx(minuteSeconds: number, shutdown = new AbortController()) {
  return {
    config: { debugMinuteSeconds: minuteSeconds } as never,
    logger: silentLogger,
    shutdown: shutdown.signal,
    now: () => Date.parse("2026-05-01T00:00:00Z"),
  };
}

describe("debugHoldMs", () => {
  it("is the asked minutes, capped at 120, and nothing without a (sane) value", () => {
    expect(debugHoldMs(30, 60_000)).toBe(30 * 60_000);
    expect(debugHoldMs(500, 60_000)).toBe(120 * 60_000);
    expect(debugHoldMs(undefined, 60_000)).toBe(0);
    expect(debugHoldMs(0, 60_000)).toBe(0);
    expect(debugHoldMs(-3, 60_000)).toBe(0);
    expect(debugHoldMs(Number.NaN, 60_000)).toBe(0);
  });
});

describe("holdForDebug", () => {
  it("does not hold without minutes", async () => {
    expect(await holdForDebug(ctx(60), state(), undefined)).toBe("none");
  });

  it("holds until its time is over (a short test minute)", async () => {
    expect(await holdForDebug(ctx(0.001), state(), 2)).toBe("elapsed");
  });

  it("ends early on a spot notice, and not at all when one is already there", async () => {
    const s = state();
    const held = holdForDebug(ctx(60), s, 30);
    s.onSpot?.();
    expect(await held).toBe("spot");
    expect(s.onSpot).toBeUndefined();
    const spotted = { ...state(), spot: { action: "terminate", time: "2026-05-01T00:02:00Z" } };
    expect(await holdForDebug(ctx(60), spotted, 30)).toBe("spot");
  });

  it("ends early on SIGTERM", async () => {
    const stop = new AbortController();
    const held = holdForDebug(ctx(60, stop), state(), 30);
    stop.abort();
    expect(await held).toBe("stopped");
  });
});
