import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../shared/logger.ts";
import { systemClock } from "../../adapters/clock.ts";
import { drainQueue } from "./drain.ts";

type Msg = { messageId: string; key: string };

/** A queue that hands out its messages in order, `max` at a time. */
function source(messages: Msg[]) {
  const left = [...messages];
  return async (max: number) => left.splice(0, max);
}

describe("drainQueue", () => {
  it("handles messages of one key in order, and different keys at the same time", async () => {
    const messages = Array.from({ length: 30 }, (_, i) => ({
      messageId: `m${i}`,
      key: `k${i % 3}`,
    }));
    const seen: Record<string, string[]> = {};
    let inFlight = 0;
    let peak = 0;
    const counts = await drainQueue({
      receive: source(messages),
      handle: async (m) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        // A fixed, varied delay per message (no randomness): later messages of a key may finish first
        // if order were not kept.
        await new Promise((r) => setTimeout(r, (Number(m.messageId.slice(1)) * 7) % 5));
        seen[m.key] = [...(seen[m.key] ?? []), m.messageId];
        inFlight--;
        return "ok" as const;
      },
      outcomes: ["ok"],
      key: (m) => m.key,
      clock: systemClock,
      logger: silentLogger,
      what: "test",
      options: { budgetMs: 10_000 },
      defaultConcurrency: 10,
    });
    expect(counts).toEqual({ ok: 30, error: 0 });
    for (const k of ["k0", "k1", "k2"]) {
      expect(seen[k]).toEqual(messages.filter((m) => m.key === k).map((m) => m.messageId));
    }
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(3);
  });

  it("counts failures as errors without stopping, and never exceeds its concurrency", async () => {
    let inFlight = 0;
    let peak = 0;
    const counts = await drainQueue({
      receive: source(Array.from({ length: 40 }, (_, i) => ({ messageId: `m${i}`, key: `k${i}` }))),
      handle: async (m) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        if (m.messageId.endsWith("7")) throw new Error("boom");
        return Number(m.messageId.slice(1)) % 2 === 0 ? ("even" as const) : ("odd" as const);
      },
      outcomes: ["even", "odd"],
      clock: systemClock,
      logger: silentLogger,
      what: "test",
      options: { budgetMs: 10_000, concurrency: 4 },
      defaultConcurrency: 50,
    });
    expect(counts).toEqual({ even: 20, odd: 16, error: 4 });
    expect(peak).toBeLessThanOrEqual(4);
  });

  it("stops at once when its signal is aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const counts = await drainQueue({
      receive: async () => [{ messageId: "x", key: "k" }],
      handle: async () => "ok" as const,
      outcomes: ["ok"],
      clock: systemClock,
      logger: silentLogger,
      what: "test",
      options: { budgetMs: 10_000, signal: controller.signal, untilEmpty: false },
      defaultConcurrency: 1,
    });
    expect(counts).toEqual({ ok: 0, error: 0 });
  });
});
