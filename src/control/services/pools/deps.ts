import type { Logger } from "../../../shared/logger.ts";
import type { LabelOptions } from "../../domain/labels-types.ts";
import type { PlacementConfig } from "../../domain/placement-config.ts";
import type { MemberHealth } from "../../domain/pool-members.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Compute } from "../../ports/compute.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";
import type { LockStore } from "../../ports/lock-store.ts";
import type { Metrics } from "../../ports/metrics.ts";
import type { PoolDefinitions } from "../../ports/pool-definitions.ts";
import type { PoolStateStore } from "../../ports/pool-state-store.ts";

/** What the pool manager works with; every write is conditional, so replicas may overlap. */
export interface PoolDeps {
  definitions: PoolDefinitions;
  states: PoolStateStore;
  instances: InstanceStore;
  compute: Pick<Compute, "launch" | "start" | "stop" | "terminate" | "describe">;
  locks: LockStore;
  /** How a pool's spec is read (the label grammar with this installation's catalog and regions). */
  labels: LabelOptions;
  placement: PlacementConfig;
  health: MemberHealth;
  clock: Clock;
  /** The time schedules and overrides are read at (default `clock`); tests and the simulator move it. */
  scheduleClock?: Clock;
  logger: Logger;
  metrics: Metrics;
  /** This replica's name in the locks table. */
  owner: string;
}
