import type { RunnerConfig } from "../../shared/runner-config.ts";

/** What one look at the runner config store found. */
export type TakeResult =
  | { status: "pending" }
  | { status: "ready"; config: RunnerConfig }
  | { status: "invalid"; error: string };

/** Where the control plane leaves this instance's runner config; read once, then deleted. */
export interface RunnerConfigStore {
  /** Reads the config if it is complete, and deletes it so the secret is not left behind. */
  take(instanceId: string): Promise<TakeResult>;
}
