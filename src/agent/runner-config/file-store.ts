import { readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import { parseRunnerConfig } from "../../shared/runner-config.ts";
import type { RunnerConfigStore } from "./store.ts";

/** Reads runner configs from `<dir>/<instanceId>.json` (local mode; written atomically). */
export function createFileRunnerConfigStore(dir: string): RunnerConfigStore {
  return {
    take: async (instanceId) => {
      const path = join(dir, `${instanceId}.json`);
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return { status: "pending" };
        throw err;
      }
      await unlink(path).catch(() => {});
      const parsed = parseRunnerConfig(text);
      return parsed.ok
        ? { status: "ready", config: parsed.config }
        : { status: "invalid", error: parsed.error };
    },
  };
}
