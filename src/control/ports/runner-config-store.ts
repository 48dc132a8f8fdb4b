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
