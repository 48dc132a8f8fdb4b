import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as {
  packages: Record<string, { optionalDependencies?: Record<string, string> }>;
};

describe("package-lock.json", () => {
  // `npm ci` refuses a lock file that lacks a platform's optional binary package (Biome, Deno,
  // Bun and esbuild ship one per platform), even when that platform is not the one installing.
  it("lists every platform's optional package of the tools that ship binaries", () => {
    const missing: string[] = [];
    for (const tool of ["@biomejs/biome", "deno", "bun", "esbuild"]) {
      const entry = lock.packages[`node_modules/${tool}`];
      expect(entry, `${tool} is in the lock file`).toBeDefined();
      for (const name of Object.keys(entry?.optionalDependencies ?? {}))
        if (!lock.packages[`node_modules/${name}`]) missing.push(name);
    }
    expect(missing).toEqual([]);
  });
});
