import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join, normalize, sep } from "node:path";
import type { ReportStore } from "../../ports/report-store.ts";

/** Reports as files under a directory (local mode: the data directory), written atomically. */
export function createFileReportStore(options: { dir: string }): ReportStore {
  const root = normalize(options.dir);
  const path = (key: string) => {
    const p = normalize(join(root, key));
    // Keys come from dates we format, but a key must never leave the directory.
    if (!p.startsWith(root + sep)) throw new Error(`report key outside the store: ${key}`);
    return p;
  };
  return {
    async put(key, body) {
      const p = path(key);
      await mkdir(dirname(p), { recursive: true });
      await writeFile(`${p}.tmp`, body);
      await rename(`${p}.tmp`, p);
    },
    async get(key) {
      try {
        return await readFile(path(key), "utf8");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
      }
    },
  };
}
