import { ValidationError } from "../../domain/errors.ts";
import type { Instance } from "../../domain/instance.ts";
import type { Clock } from "../../ports/clock.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";
import { copyData } from "./copy.ts";
import { decodeKey, pageAfter } from "./cursor.ts";
import { patched, versionedRecords } from "./versioned-records.ts";

/** Sort key of the `by-state` order: launch time, then instance id. */
const byLaunch = (instance: Instance) => [instance.launchedAt, instance.instanceId];

/** The same order as `byLaunch`'s keys, without building them: listings sort on every call. */
const launchOrder = (a: Instance, b: Instance) =>
  a.launchedAt !== b.launchedAt
    ? a.launchedAt < b.launchedAt
      ? -1
      : 1
    : a.instanceId === b.instanceId
      ? 0
      : a.instanceId < b.instanceId
        ? -1
        : 1;

/**
 * InstanceStore in process memory, with the DynamoDB store's semantics: conditional create,
 * version-checked updates and deletes (ConflictError, also for an unknown id), heartbeats that
 * never move `version` and never go back in time.
 */
export function createMemoryInstanceStore(options: { clock: Clock }): InstanceStore {
  const { clock } = options;
  const instances = versionedRecords<Instance>({ indexBy: (i) => i.state });
  const conflict = (id: string, version: number) =>
    `instance ${id} changed since version ${version}`;

  return {
    async create(instance) {
      const { created, stored } = instances.create(instance.instanceId, instance);
      return { created, instance: stored };
    },

    async get(instanceId) {
      return instances.get(instanceId);
    },

    async update(instanceId, expectedVersion, patch) {
      return instances.replace(
        instanceId,
        expectedVersion,
        conflict(instanceId, expectedVersion),
        (current) => ({
          ...patched(current, patch),
          updatedAt: new Date(clock.now()).toISOString(),
          version: expectedVersion + 1,
        }),
      );
    },

    async heartbeat(instanceId, at) {
      // An older or repeated heartbeat changes nothing, as the DynamoDB store's condition says.
      instances.touch(instanceId, (current) =>
        current.lastHeartbeatAt && current.lastHeartbeatAt >= at
          ? current
          : { ...current, lastHeartbeatAt: at },
      );
    },

    async remove(instanceId, expectedVersion) {
      instances.remove(instanceId, expectedVersion, conflict(instanceId, expectedVersion));
    },

    async list(query) {
      let after: string[] | undefined;
      if (query.cursor !== undefined) {
        after = decodeKey(query.cursor, 2);
        if (!after) throw new ValidationError("invalid cursor");
      }
      const matching = (
        query.state === undefined ? instances.all() : instances.grouped(query.state)
      )
        .filter(
          (i) =>
            query.pool === undefined ||
            (i.pool !== null && (query.pool.name === undefined || i.pool === query.pool.name)),
        )
        .sort(launchOrder);
      const page = pageAfter(matching, byLaunch, {
        limit: query.limit,
        descending: false,
        ...(after ? { after } : {}),
      });
      return {
        instances: page.items.map((i) => copyData(i)),
        ...(page.next ? { next: page.next } : {}),
      };
    },
  };
}
