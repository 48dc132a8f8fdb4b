import type { ReportStore } from "../../ports/report-store.ts";

/** Reports in a map (tests, the simulator). */
export function createMemoryReportStore(): ReportStore & { keys(): string[] } {
  const objects = new Map<string, string>();
  return {
    async put(key, body) {
      objects.set(key, body);
    },
    async get(key) {
      return objects.get(key) ?? null;
    },
    keys: () => [...objects.keys()].sort(),
  };
}
