import type { PoolState } from "../../domain/pool-state.ts";
import type { PoolStateStore } from "../../ports/pool-state-store.ts";
import { copyData } from "./copy.ts";
import { versionedRecords } from "./versioned-records.ts";

/** PoolStateStore in process memory, with the DynamoDB store's version-checked `save`. */
export function createMemoryPoolStateStore(): PoolStateStore {
  const pools = versionedRecords<PoolState>();
  return {
    async get(name) {
      return pools.get(name);
    },
    async list() {
      return pools
        .all()
        .map((p) => copyData(p))
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    async save(state, expectedVersion) {
      const conflict = `pool ${state.name} changed since version ${expectedVersion}`;
      return pools.put(state.name, expectedVersion, conflict, {
        ...state,
        version: expectedVersion + 1,
      });
    },
  };
}
