/**
 * In-memory stand-ins for the ports the benchmarks need besides jobs, queue and instances (which
 * have real in-memory adapters in src/control/adapters/memory). They keep the stores' rules that
 * matter on the scheduling path (versioned circuit writes); nothing else.
 */
import { ConflictError } from "../../src/control/domain/errors.ts";
import type { CircuitStore } from "../../src/control/ports/circuit-store.ts";
import type { EventQueue } from "../../src/control/ports/event-queue.ts";
import type { LockStore } from "../../src/control/ports/lock-store.ts";
import type { MarkerStore } from "../../src/control/ports/marker-store.ts";
import type { RunnerConfigStore } from "../../src/control/ports/runner-config-store.ts";
import type { RunnerConfig } from "../../src/shared/runner-config.ts";

type CircuitState = Awaited<ReturnType<CircuitStore["list"]>>[number];

/** Circuits in a map; `save` is version-checked like the DynamoDB store. */
export function memoryCircuitStore(): CircuitStore {
  const circuits = new Map<string, CircuitState>();
  return {
    async getMany(types) {
      const out = new Map<string, CircuitState>();
      for (const t of types) {
        const c = circuits.get(t);
        if (c) out.set(t, structuredClone(c));
      }
      return out;
    },
    async list() {
      return [...circuits.values()].map((c) => structuredClone(c));
    },
    async save(state, expectedVersion) {
      if ((circuits.get(state.instanceType)?.version ?? 0) !== expectedVersion)
        throw new ConflictError(`circuit ${state.instanceType} changed`);
      const next = { ...state, version: expectedVersion + 1 };
      circuits.set(state.instanceType, next);
      return structuredClone(next);
    },
  };
}

/** Markers in a map, expiring on the wall clock. */
export function memoryMarkerStore(): MarkerStore {
  const markers = new Map<string, { value: Record<string, unknown>; until: number }>();
  return {
    async put(name, value, ttlSeconds) {
      markers.set(name, { value: { ...value }, until: Date.now() + ttlSeconds * 1000 });
    },
    async get(name) {
      const m = markers.get(name);
      return m && m.until > Date.now() ? { ...m.value } : null;
    },
  };
}

/** An events queue nobody reads in these benchmarks: sends are counted, receives are empty. */
export function idleEventQueue(): EventQueue & { sent(): number } {
  let sent = 0;
  return {
    async send() {
      sent++;
    },
    async receive() {
      return [];
    },
    async delete() {},
    async retryLater() {},
    sent: () => sent,
  };
}

/** Runner configs in a map. */
export function memoryRunnerConfigs(): RunnerConfigStore {
  const configs = new Map<string, RunnerConfig>();
  return {
    async put(id, config) {
      configs.set(id, structuredClone(config));
    },
    async get(id) {
      const c = configs.get(id);
      return c ? structuredClone(c) : null;
    },
    async delete(id) {
      configs.delete(id);
    },
  };
}

/** Named locks with expiry on the wall clock, one process's view (the benchmarks run one). */
export function memoryLockStore(): LockStore {
  const locks = new Map<string, { owner: string; expiresAt: number }>();
  const held = (name: string) => {
    const l = locks.get(name);
    return l && l.expiresAt > Date.now() ? l : null;
  };
  return {
    async acquire(name, owner, ttlMs) {
      const l = held(name);
      if (l && l.owner !== owner) return false;
      locks.set(name, { owner, expiresAt: Date.now() + ttlMs });
      return true;
    },
    async renew(name, owner, ttlMs) {
      if (held(name)?.owner !== owner) return false;
      locks.set(name, { owner, expiresAt: Date.now() + ttlMs });
      return true;
    },
    async release(name, owner) {
      if (held(name)?.owner !== owner) return false;
      locks.delete(name);
      return true;
    },
    async holder(name) {
      const l = held(name);
      return l ? { ...l } : null;
    },
  };
}
