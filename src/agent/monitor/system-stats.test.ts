import { describe, expect, it } from "vitest";
import { readSystemStats } from "./system-stats.ts";

describe("readSystemStats", () => {
  it("reads memory, load and the disk of the first path that exists", async () => {
    const s = await readSystemStats(["/no/such/dir", process.cwd()], "linux");
    expect(s.freeMemoryMiB).toBeGreaterThan(0);
    expect(s.freeDiskGiB).toBeGreaterThan(0);
    expect(s.load1).toBeGreaterThanOrEqual(0);
    expect((await readSystemStats([process.cwd()], "win32")).load1).toBeUndefined();
  });
});
