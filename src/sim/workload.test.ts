import { describe, expect, it } from "vitest";
import { createRng } from "./prng.ts";
import { generateWorkload, parseTrace, profiles } from "./workload.ts";

describe("seeded generator", () => {
  it("repeats itself for one seed and differs for another", () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seq = (r: typeof a) => Array.from({ length: 5 }, () => r.next());
    expect(seq(a)).toEqual(seq(b));
    expect(seq(createRng(42))).not.toEqual(seq(c));
    expect(seq(a).every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe("profiles", () => {
  it("averages about the profile's jobs a day over a week, with a weekday peak", () => {
    const start = Date.UTC(2026, 0, 5);
    const items = generateWorkload(profiles["small-team"]!, 7, start, createRng(1));
    expect(items.length / 7).toBeGreaterThan(70);
    expect(items.length / 7).toBeLessThan(130);
    const at = (h: number) =>
      items.filter((i) => new Date(start + i.at).getUTCHours() === h).length;
    expect(at(11)).toBeGreaterThan(at(3));
  });
});

describe("CSV trace", () => {
  it("reads ISO and epoch times, several labels, and a header", () => {
    const trace = parseTrace(
      "queued_at,duration_seconds,labels\n2026-01-05T10:00:00Z,300,runs-fleet/cpu=4;self-hosted\n1767607260,60,runs-fleet\n",
    );
    expect(trace).toEqual({
      ok: true,
      start: Date.UTC(2026, 0, 5, 10),
      items: [
        { at: 0, durationSeconds: 300, labels: ["runs-fleet/cpu=4", "self-hosted"], run: 1 },
        { at: 60_000, durationSeconds: 60, labels: ["runs-fleet"], run: 2 },
      ],
    });
  });

  it("lists every bad line with its number", () => {
    const trace = parseTrace(
      "yesterday,300,runs-fleet\n2026-01-05T10:00:00Z,-4,runs-fleet\n2026-01-05T10:00:00Z,30,\n",
    );
    expect(trace.ok).toBe(false);
    expect(!trace.ok && trace.problems).toEqual([
      "line 1: queued_at must be an ISO time or epoch seconds",
      "line 2: duration_seconds must be at least 1",
      "line 3: labels must not be empty",
    ]);
  });
});
