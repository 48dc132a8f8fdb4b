import type { CircuitState } from "../../domain/circuit.ts";
import type { CircuitStore } from "../../ports/circuit-store.ts";
import { copyData } from "./copy.ts";
import { versionedRecords } from "./versioned-records.ts";

/**
 * CircuitStore in process memory, with the DynamoDB store's semantics: `save` is version-checked
 * (0: not stored yet) and throws ConflictError when another writer got there first; listings come
 * sorted by instance type. `expiresAt` only lets DynamoDB drop a record, and reads there never
 * filter on it, so it is not kept here.
 */
export function createMemoryCircuitStore(): CircuitStore {
  const circuits = versionedRecords<CircuitState>();
  return {
    async getMany(instanceTypes) {
      const out = new Map<string, CircuitState>();
      for (const type of instanceTypes) {
        const circuit = circuits.get(type);
        if (circuit) out.set(type, circuit);
      }
      return out;
    },

    async list() {
      return circuits
        .all()
        .map((c) => copyData(c))
        .sort((a, b) => a.instanceType.localeCompare(b.instanceType));
    },

    async save(state, expectedVersion) {
      const conflict = `circuit ${state.instanceType} changed since version ${expectedVersion}`;
      const next = { ...state, version: expectedVersion + 1 };
      return circuits.put(state.instanceType, expectedVersion, conflict, next);
    },
  };
}
