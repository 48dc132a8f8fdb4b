import { statfs } from "node:fs/promises";
import { freemem, loadavg } from "node:os";

/** What a heartbeat says about the machine. */
export interface SystemStats {
  load1?: number;
  freeMemoryMiB: number;
  freeDiskGiB?: number;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Reads load, free memory and free disk (of the first of `diskPaths` that exists). */
export async function readSystemStats(
  diskPaths: readonly string[],
  platform: string,
): Promise<SystemStats> {
  let disk: { bavail: number; bsize: number } | undefined;
  for (const path of diskPaths) {
    disk = await statfs(path).catch(() => undefined);
    if (disk) break;
  }
  return {
    // Windows has no load average (Node reports zeros): leave it out rather than lie.
    ...(platform === "win32" ? {} : { load1: round(loadavg()[0] ?? 0) }),
    freeMemoryMiB: Math.round(freemem() / 2 ** 20),
    ...(disk ? { freeDiskGiB: round((disk.bavail * disk.bsize) / 2 ** 30) } : {}),
  };
}
