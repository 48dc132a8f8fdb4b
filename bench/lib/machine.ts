import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg, release, totalmem, type } from "node:os";
import { join } from "node:path";
import { bunExecutable } from "../../src/control/entry/bun-path.ts";

const root = join(import.meta.dirname, "../..");

/** First line of a command's output, or null when it cannot run. */
function firstLine(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: "utf8", timeout: 20_000, stdio: "pipe" })
      .split("\n")[0]!
      .trim();
  } catch {
    return null;
  }
}

/** The project's own copy of a runtime CLI (from node_modules), else whatever npx finds. */
function runtimeVersion(name: "bun" | "deno"): string | null {
  const local = name === "bun" ? bunExecutable(root) : join(root, "node_modules", ".bin", name);
  const line = existsSync(local)
    ? firstLine(local, ["--version"])
    : firstLine("npx", ["--no-install", name, "--version"]);
  // `deno --version` prints "deno 2.1.4 (stable, release, x86_64-unknown-linux-gnu)".
  return line?.match(/(\d+\.\d+\.\d+\S*)/)?.[1] ?? line;
}

/** What the figures were measured on. */
export function machine() {
  const cpuList = cpus();
  return {
    cpu: cpuList[0]?.model ?? "unknown",
    cores: cpuList.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${type()} ${release()} ${process.arch}`,
    node: process.version,
    bun: runtimeVersion("bun"),
    deno: runtimeVersion("deno"),
    commit: firstLine("git", ["-C", root, "rev-parse", "--short", "HEAD"]),
  };
}

/** One-minute load average, a hint of how busy the machine was. */
export const load1 = () => Math.round((loadavg()[0] ?? 0) * 100) / 100;
