import type { Instance, InstanceLifeState, InstancePatch } from "../domain/instance.ts";

/** The instances table: every instance we launched and what we last heard of it. */
export interface InstanceStore {
  /** Records a new instance; an existing record with the same id is left as it is. */
  create(instance: Instance): Promise<{ created: boolean; instance: Instance }>;
  get(instanceId: string): Promise<Instance | null>;
  /** Conditional update on `version`; throws ConflictError when it moved. */
  update(instanceId: string, expectedVersion: number, patch: InstancePatch): Promise<Instance>;
  /**
   * Records a heartbeat time without touching `version` (heartbeats must never make a state
   * change lose its race); an older heartbeat never overwrites a newer one.
   */
  heartbeat(instanceId: string, at: string): Promise<void>;
  /** Deletes an instance record (retention where the table has no TTL); ConflictError if it moved. */
  remove(instanceId: string, expectedVersion: number): Promise<void>;
  /**
   * Instances in one state (or all), oldest launch first; with `pool`, only pool members (of
   * `pool.name` when given). A page may hold fewer than `limit` even when more follow: go on
   * while there is a `next`.
   */
  list(query: {
    state?: InstanceLifeState;
    pool?: { name?: string };
    limit: number;
    cursor?: string;
  }): Promise<{ instances: Instance[]; next?: string }>;
}
