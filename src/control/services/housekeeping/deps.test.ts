import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../shared/logger.ts";
import { fixedClock } from "../../adapters/clock.ts";
import { createMemoryMetrics } from "../../adapters/memory/metrics.ts";
import { ConflictError } from "../../domain/errors.ts";
import { housekeepingConfig } from "./config.ts";
import { type HousekeepingDeps, paged, span, taskContext } from "./deps.ts";

describe("housekeeping helpers", () => {
  it("writes durations the way people read them", () => {
    expect(span(90_000)).toBe("90 s");
    expect(span(1_500)).toBe("2 s");
    expect(span(15 * 60_000)).toBe("15 min");
    expect(span(6 * 3_600_000)).toBe("6 h");
    expect(span(6 * 3_600_000 + 15 * 60_000)).toBe("6 h 15 min");
  });

  it("pages through a listing up to a limit", async () => {
    const data = Array.from({ length: 250 }, (_, i) => i);
    const asked: number[] = [];
    const page = async (limit: number, cursor?: string) => {
      asked.push(limit);
      const from = Number(cursor ?? 0);
      const items = data.slice(from, from + limit);
      const next = from + limit < data.length ? String(from + limit) : undefined;
      return { items, ...(next ? { next } : {}) };
    };
    const all: number[] = [];
    for await (const n of paged(page, 1000)) all.push(n);
    expect(all).toEqual(data);
    asked.length = 0;
    const some: number[] = [];
    for await (const n of paged(page, 130)) some.push(n);
    expect(some).toHaveLength(130);
    expect(asked).toEqual([100, 30]);
  });

  it("bounds a run by batch size and deadline, and counts failures instead of throwing", async () => {
    const clock = fixedClock(0);
    const metrics = createMemoryMetrics();
    const deps = {
      clock,
      metrics,
      logger: silentLogger,
      config: housekeepingConfig({ batchSize: 2 }),
    } as unknown as HousekeepingDeps; // only what the context itself uses
    const ctx = taskContext(deps, "t", 1_000);
    expect(ctx.more()).toBe(true);
    await ctx.step({}, async () => {
      throw new ConflictError("moved");
    });
    expect(await ctx.look({}, async () => 5)).toBe(5);
    expect(ctx.left()).toBe(1);
    await ctx.step({}, async () => {
      throw new Error("down");
    });
    expect(ctx.more()).toBe(false);
    expect(ctx.report).toEqual({ conflicts: 1, errors: 1 });
    expect(metrics.total("HousekeepingItems", { task: "t", result: "errors" })).toBe(1);
    const timed = taskContext(deps, "t", 1_000);
    clock.set(1_000);
    expect(timed.more()).toBe(false);
  });
});
