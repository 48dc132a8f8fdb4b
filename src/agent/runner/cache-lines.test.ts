import { describe, expect, it } from "vitest";
import { countCacheLine, emptyCacheState } from "./cache-lines.ts";
import { jobResultFromLine } from "./job-result.ts";

describe("cache line counting", () => {
  it("counts hits, misses and the bytes of restores and saves", () => {
    const state = emptyCacheState();
    const log = [
      "2030-01-01T00:00:01.0000000Z ##[group]Run actions/cache@v4",
      "2030-01-01T00:00:02.0000000Z Cache Size: ~48 MB (50331648 B)",
      "2030-01-01T00:00:03.0000000Z Cache restored successfully",
      "2030-01-01T00:00:03.0000000Z Cache restored from key: Linux-npm-abc",
      "2030-01-01T00:00:04.0000000Z Cache not found for input keys: Linux-pip-def, Linux-pip-",
      "2030-01-01T00:01:00.0000000Z Cache Size: ~2 MB (2097152 B)",
      "2030-01-01T00:01:01.0000000Z Cache saved with key: Linux-pip-def",
      "echo 'Cache restored' (not a toolkit message)",
    ];
    for (const line of log) countCacheLine(state, line);
    expect(state.counts).toEqual({
      hits: 1,
      misses: 1,
      bytesDownloaded: 50331648,
      bytesUploaded: 2097152,
    });
  });
});

describe("job result lines", () => {
  it("maps the runner's results", () => {
    expect(
      jobResultFromLine("2030-01-01 00:00:00Z: Job build completed with result: Succeeded"),
    ).toBe("success");
    expect(jobResultFromLine("Job test completed with result: Failed")).toBe("failure");
    expect(jobResultFromLine("Job x completed with result: Canceled")).toBe("cancelled");
    expect(jobResultFromLine("Running job: build")).toBeUndefined();
  });
});
