import type { FleetError } from "../domain/errors.ts";
import type { LaunchSlot } from "../domain/launch-slot.ts";
import type { Market, Placement } from "../domain/placement.ts";

/** `slots.length` instances on one placement, launched together. */
export interface LaunchRequest {
  placement: Placement;
  slots: readonly LaunchSlot[];
  /**
   * When a spot launch finds no capacity, launch the missing slots on-demand at once (default
   * true). The market of each launched instance tells which happened.
   */
  onDemandFallback?: boolean;
}

/** An instance launched for a slot. */
export interface LaunchedInstance {
  slotId: string;
  instanceId: string;
  instanceType: string;
  market: Market;
  az: string;
  subnetId: string;
}

/** Why a slot got no instance; `error.code` is `capacity` when the market had none to give. */
export interface SlotError {
  slotId: string;
  error: FleetError;
}

/** Every slot appears exactly once, in `instances` or in `errors`. */
export interface LaunchResult {
  instances: LaunchedInstance[];
  errors: SlotError[];
}

export type InstanceState =
  | "pending"
  | "running"
  | "stopping"
  | "stopped"
  | "shutting-down"
  | "terminated";

/** An instance as the provider reports it. */
export interface InstanceInfo {
  instanceId: string;
  instanceType: string;
  market: Market;
  state: InstanceState;
  az: string;
  subnetId: string | null;
  /** Ms since the epoch; null when the provider does not know. */
  launchedAt: number | null;
  tags: Record<string, string>;
  /** The region the instance runs in, when the provider spans several. */
  region?: string;
}

/** What `describe` matches: every given tag (key = value) and any of the given states. */
export interface InstanceFilter {
  tags?: Record<string, string>;
  states?: readonly InstanceState[];
  instanceIds?: readonly string[];
}

/** Machines for runners: EC2 fleets in AWS, child processes in local mode. */
export interface Compute {
  /**
   * Launches one instance per slot. Provider failures come back per slot in `errors` (with
   * `retryable`); it throws only for a request that can never work.
   */
  launch(request: LaunchRequest): Promise<LaunchResult>;
  /** Terminates instances; ids already gone are not an error. */
  terminate(instanceIds: readonly string[]): Promise<void>;
  /** Stops instances (warm pools keep them stopped). */
  stop(instanceIds: readonly string[]): Promise<void>;
  /** Starts stopped instances. */
  start(instanceIds: readonly string[]): Promise<void>;
  /** Instances matching the filter. */
  describe(filter: InstanceFilter): Promise<InstanceInfo[]>;
}
