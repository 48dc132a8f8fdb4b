import type { Logger } from "../shared/logger.ts";
import type { AgentConfig } from "./config/resolve.ts";
import type { EventFactory } from "./events/build.ts";
import type { Outbox } from "./events/outbox.ts";
import type { ImdsClient } from "./imds/client.ts";
import type { RunnerLauncher } from "./runner/types.ts";
import type { RunnerConfigStore } from "./runner-config/store.ts";
import type { Terminator } from "./teardown.ts";

/** Everything the agent's lifecycle works with, built by `main.ts`. */
export interface AgentContext {
  config: AgentConfig;
  version: string;
  imds: ImdsClient;
  outbox: Outbox;
  events: EventFactory;
  store: RunnerConfigStore;
  launch: RunnerLauncher;
  terminator: Terminator;
  logger: Logger;
  /** Aborted on SIGTERM / SIGINT: the machine is stopping or an operator stops the agent. */
  shutdown: AbortSignal;
  /** Milliseconds spent in boot phases before the lifecycle started. */
  bootTimings: Record<string, number>;
  /** When the agent process started (epoch ms). */
  startedAt: number;
  now: () => number;
}

/** What the agent is doing now; shared with the heartbeat and interruption loops. */
export interface AgentState {
  phase: "standby" | "running";
  jobId: string | undefined;
  /** Set once IMDS shows a spot instance-action. */
  spot: { action: string; time: string } | undefined;
  /** Called when a spot notice appears (stops the runner in time, or ends standby). */
  onSpot: (() => void) | undefined;
}
