import { existsSync } from "node:fs";
import { join } from "node:path";

/**
 * The project's own Bun executable. npm's `bun` package puts the real binary in place with a
 * postinstall script, which an npm that blocks install scripts never runs; the platform package
 * it depends on (`@oven/bun-<os>-<arch>`) holds the same binary, so that one is used directly
 * when present, and the `node_modules/.bin/bun` link otherwise.
 */
export function bunExecutable(root: string): string {
  const os = process.platform === "win32" ? "windows" : process.platform;
  const cpu = process.arch === "arm64" ? "aarch64" : process.arch;
  const exe = process.platform === "win32" ? "bun.exe" : "bun";
  const direct = join(root, "node_modules", "@oven", `bun-${os}-${cpu}`, "bin", exe);
  return existsSync(direct) ? direct : join(root, "node_modules", ".bin", "bun");
}
