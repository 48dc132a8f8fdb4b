import { open, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import {
  type CacheLineState,
  countCacheLine,
  emptyCacheState,
  sumCacheCounts,
} from "./cache-lines.ts";
import type { CacheCounts } from "./types.ts";

interface FileState {
  offset: number;
  partial: string;
  cache: CacheLineState;
}

async function logFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".log"))
    .map((e) => join(e.parentPath, e.name));
}

/**
 * Follows the runner's `_diag` directory (Worker logs and the `pages/` / `blocks/` step-output
 * files the runner keeps until it uploads them) and counts the cache toolkit's messages. Files
 * are read from where the previous scan stopped, so scanning often catches pages before the
 * runner deletes them; what it misses makes the figures a lower bound.
 */
export function createDiagScanner(diagDir: string): { scan(): Promise<CacheCounts> } {
  const files = new Map<string, FileState>();
  return {
    scan: async () => {
      for (const path of await logFiles(diagDir)) {
        const key = relative(diagDir, path);
        const state = files.get(key) ?? { offset: 0, partial: "", cache: emptyCacheState() };
        files.set(key, state);
        const handle = await open(path, "r").catch(() => undefined);
        if (!handle) continue;
        try {
          for (;;) {
            const buf = new Uint8Array(64 * 1024);
            const { bytesRead } = await handle.read(buf, 0, buf.length, state.offset);
            if (bytesRead === 0) break;
            state.offset += bytesRead;
            const text = state.partial + new TextDecoder().decode(buf.subarray(0, bytesRead));
            const lines = text.split(/\r?\n/);
            state.partial = lines.pop() ?? "";
            for (const line of lines) countCacheLine(state.cache, line);
          }
        } finally {
          await handle.close();
        }
      }
      return sumCacheCounts([...files.values()].map((f) => f.cache.counts));
    },
  };
}
