import type { CircuitState } from "../domain/circuit.ts";

/** Where spot circuit breakers live (the circuits table); one record per instance type. */
export interface CircuitStore {
  /** The stored circuits for `instanceTypes`; types never stored are absent from the map. */
  getMany(instanceTypes: readonly string[]): Promise<Map<string, CircuitState>>;
  /** Every stored circuit. */
  list(): Promise<CircuitState[]>;
  /**
   * Writes `state` if the stored version is still `expectedVersion` (0: not stored yet) and
   * returns it with its new version. Throws ConflictError when another writer got there first.
   * `expiresAt` (ms since epoch) lets the table drop the record once nothing in it matters.
   */
  save(state: CircuitState, expectedVersion: number, expiresAt: number): Promise<CircuitState>;
}
