import type { RunnerConfig } from "../../shared/runner-config.ts";

/**
 * Where an instance's runner config waits for the agent (SSM SecureString on AWS, a file in
 * local mode). It holds a secret: adapters never log its value.
 */
export interface RunnerConfigStore {
  /** Stores (or replaces) the config for an instance; complete once this resolves. */
  put(instanceId: string, config: RunnerConfig): Promise<void>;
  /** The stored config, or null when there is none. */
  get(instanceId: string): Promise<RunnerConfig | null>;
  /** Deletes the config; deleting a missing one is not an error. */
  delete(instanceId: string): Promise<void>;
}

const instanceIdPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** True when `id` can name an instance in a parameter path or file name (no `/`, no `..`). */
export function isSafeInstanceId(id: string): boolean {
  return instanceIdPattern.test(id) && !id.includes("..");
}
