import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { crc32, zip } from "../../deploy/zip.ts";
import { unzip } from "./unzip.ts";

const text = (s: string) => new TextEncoder().encode(s);
const unzipTool = spawnSync("unzip", ["-v"], { stdio: "ignore" }).status === 0;

describe("the zip writer", () => {
  it("computes ZIP's CRC-32", () => {
    expect(crc32(text("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });

  it("writes entries that read back byte for byte, in order", () => {
    const big = text("export const x = 1;\n".repeat(5000));
    const files = new Map([
      ["lambda.mjs", big],
      ["runs-fleet.yaml", text("placement: {}\n")],
      ["empty", new Uint8Array()],
    ]);
    const archive = zip([...files].map(([name, data]) => ({ name, data })));
    expect(archive.length).toBeLessThan(big.length / 10);
    const back = unzip(archive);
    expect([...back.keys()]).toEqual([...files.keys()]);
    for (const [name, data] of files) expect(back.get(name), name).toEqual(data);
  });

  it("is the same archive for the same input", () => {
    const entries = [{ name: "a", data: text("same") }];
    expect(zip(entries)).toEqual(zip(entries));
  });

  it.skipIf(!unzipTool)("passes unzip's own integrity test", () => {
    const dir = mkdtempSync(join(tmpdir(), "runs-fleet-zip-"));
    try {
      const file = join(dir, "t.zip");
      writeFileSync(file, zip([{ name: "lambda.mjs", data: text("export {};\n") }]));
      const r = spawnSync("unzip", ["-t", file], { encoding: "utf8" });
      expect(r.status, r.stdout).toBe(0);
      expect(r.stdout).toContain("No errors detected");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
