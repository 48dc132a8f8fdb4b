import type { RunnerConfig } from "../../shared/runner-config.ts";

/**
 * Where an instance's runner config waits for the agent (SSM SecureString on AWS, a file in
 * local mode). It holds a secret: adapters never log its value.
 */
export interface RunnerConfigStore {
  /**
   * Stores (or replaces) the config for an instance; complete once this resolves. `env` is the
   * instance's environment, kept beside the config (a tag on AWS) for audit and cost allocation.
   */
  put(instanceId: string, config: RunnerConfig, options?: { env?: string }): Promise<void>;
  /** The stored config, or null when there is none. */
  get(instanceId: string): Promise<RunnerConfig | null>;
  /** Deletes the config; deleting a missing one is not an error. */
  delete(instanceId: string): Promise<void>;
}
