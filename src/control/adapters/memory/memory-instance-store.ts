import { ConflictError, ValidationError } from "../../domain/errors.ts";
import type { Instance } from "../../domain/instance.ts";
import type { Clock } from "../../ports/clock.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";
import { compareKeys, decodeKey, pageAfter } from "./cursor.ts";

/** Sort key of the `by-state` order: launch time, then instance id. */
const byLaunch = (instance: Instance) => [instance.launchedAt, instance.instanceId];

/**
 * InstanceStore in process memory, with the DynamoDB store's semantics: conditional create,
 * version-checked updates and deletes (ConflictError, also for an unknown id), heartbeats that
 * never move `version` and never go back in time.
 */
export function createMemoryInstanceStore(options: { clock: Clock }): InstanceStore {
  const { clock } = options;
  const instances = new Map<string, Instance>();
  const out = (instance: Instance) => structuredClone(instance);

  return {
    async create(instance) {
      const existing = instances.get(instance.instanceId);
      if (existing) return { created: false, instance: out(existing) };
      instances.set(instance.instanceId, structuredClone(instance));
      return { created: true, instance };
    },

    async get(instanceId) {
      const instance = instances.get(instanceId);
      return instance ? out(instance) : null;
    },

    async update(instanceId, expectedVersion, patch) {
      const current = instances.get(instanceId);
      if (current?.version !== expectedVersion)
        throw new ConflictError(`instance ${instanceId} changed since version ${expectedVersion}`);
      const next: Record<string, unknown> = { ...current };
      // Undefined leaves a field alone, null clears it: the DynamoDB store's update rule.
      for (const [key, value] of Object.entries(patch)) if (value !== undefined) next[key] = value;
      const updated = {
        ...(next as Instance),
        updatedAt: new Date(clock.now()).toISOString(),
        version: expectedVersion + 1,
      };
      instances.set(instanceId, updated);
      return out(updated);
    },

    async heartbeat(instanceId, at) {
      const current = instances.get(instanceId);
      if (!current) return;
      if (current.lastHeartbeatAt && current.lastHeartbeatAt >= at) return;
      instances.set(instanceId, { ...current, lastHeartbeatAt: at });
    },

    async remove(instanceId, expectedVersion) {
      if (instances.get(instanceId)?.version !== expectedVersion)
        throw new ConflictError(`instance ${instanceId} changed since version ${expectedVersion}`);
      instances.delete(instanceId);
    },

    async list(query) {
      let after: string[] | undefined;
      if (query.cursor !== undefined) {
        after = decodeKey(query.cursor, 2);
        if (!after) throw new ValidationError("invalid cursor");
      }
      const matching = [...instances.values()]
        .filter((i) => query.state === undefined || i.state === query.state)
        .sort((a, b) => compareKeys(byLaunch(a), byLaunch(b)));
      const page = pageAfter(matching, byLaunch, {
        limit: query.limit,
        descending: false,
        ...(after ? { after } : {}),
      });
      return { instances: page.items.map(out), ...(page.next ? { next: page.next } : {}) };
    },
  };
}
