import type { PoolState } from "../domain/pool-state.ts";

/** Run-time pool state (pause, resize overrides) in the pools table, one record per pool. */
export interface PoolStateStore {
  /** The stored state of a pool, or null when none was ever saved. */
  get(name: string): Promise<PoolState | null>;
  /** Every stored pool state, by name. */
  list(): Promise<PoolState[]>;
  /**
   * Writes `state` if the stored version is still `expectedVersion` (0: not stored yet) and
   * returns it with its new version; ConflictError when another writer got there first.
   */
  save(state: PoolState, expectedVersion: number): Promise<PoolState>;
}
