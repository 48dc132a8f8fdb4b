import type { ConfigRefusal, ConfigStore, ConfigVersion } from "../../ports/config-store.ts";

/** ConfigStore in process memory, with the DynamoDB store's rules (a version is written once). */
export function createMemoryConfigStore(): ConfigStore {
  const versions = new Map<number, ConfigVersion>();
  let refusal: ConfigRefusal | null = null;
  // Copies in and out, as a database would: callers never share objects with the store.
  const copy = <T>(value: T): T => structuredClone(value);
  return {
    async active() {
      const highest = Math.max(0, ...versions.keys());
      const found = versions.get(highest);
      return found ? copy(found) : null;
    },
    async create(next) {
      if (versions.has(next.version)) return false;
      versions.set(next.version, copy(next));
      return true;
    },
    async lastRefusal() {
      return refusal ? copy(refusal) : null;
    },
    async recordRefusal(r) {
      refusal = copy(r);
    },
  };
}
