import { describe, expect, it } from "vitest";
import { unmeasured } from "../../bench/lib/unmeasured.ts";

const latencyVariant = (variant: string, p50Ms: number | null, launched: number) => ({
  variant,
  jobs: 300,
  launched,
  p50Ms,
  p99Ms: p50Ms === null ? null : p50Ms * 2,
  launchCalls: 112,
});

describe("unmeasured", () => {
  it("finds nothing when every figure is a number", () => {
    expect(
      unmeasured({
        signature: { payloadBytes: 10_240, verificationsPerSecond: 40_000, seconds: 1.3 },
        latency: { variants: [latencyVariant("memory", 253, 300)], seconds: 40 },
        scheduling: { variants: [{ variant: "memory", outcomes: { launched: 500, skipped: 0 } }] },
      }),
    ).toEqual([]);
  });

  it("names every figure that is null, NaN or infinite, by section and variant", () => {
    expect(
      unmeasured({
        latency: {
          variants: [latencyVariant("memory", 253, 300), latencyVariant("local", null, 0)],
          seconds: 40,
        },
        signature: {
          verificationsPerSecond: Number.NaN,
          microsecondsEach: Number.POSITIVE_INFINITY,
        },
      }),
    ).toEqual([
      "latency.variants[local].p50Ms: not measured (no value)",
      "latency.variants[local].p99Ms: not measured (no value)",
      "signature.verificationsPerSecond: not measured (NaN)",
      "signature.microsecondsEach: not measured (Infinity)",
    ]);
  });

  it("reports failed and skipped sections and the problems a benchmark noted", () => {
    expect(
      unmeasured({
        intake: { error: "memory server did not start" },
        agent: { skipped: "the compiled agent is measured on linux-x64, not darwin-arm64" },
        latency: {
          variants: [
            {
              ...latencyVariant("memory", 250, 290),
              problems: ["10 of 300 jobs reached no launch call within 20000 ms"],
            },
          ],
        },
        scheduling: undefined,
      }),
    ).toEqual([
      "intake: failed: memory server did not start",
      "agent: skipped: the compiled agent is measured on linux-x64, not darwin-arm64",
      "latency.variants[memory]: 10 of 300 jobs reached no launch call within 20000 ms",
    ]);
  });
});
