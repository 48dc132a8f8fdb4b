import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bunExecutable } from "./bun-path.ts";

describe("bunExecutable", () => {
  it("takes the platform package's binary when it is there, else the .bin link", async () => {
    const root = await mkdtemp(join(tmpdir(), "bun-path-"));
    try {
      expect(bunExecutable(root)).toBe(join(root, "node_modules", ".bin", "bun"));
      const os = process.platform === "win32" ? "windows" : process.platform;
      const cpu = process.arch === "arm64" ? "aarch64" : process.arch;
      const dir = join(root, "node_modules", "@oven", `bun-${os}-${cpu}`, "bin");
      await mkdir(dir, { recursive: true });
      const exe = join(dir, process.platform === "win32" ? "bun.exe" : "bun");
      await writeFile(exe, "");
      expect(bunExecutable(root)).toBe(exe);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("finds a Bun that runs in this checkout", async () => {
    const { execFileSync } = await import("node:child_process");
    const out = execFileSync(bunExecutable(process.cwd()), ["--version"], { encoding: "utf8" });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
