import type { Logger } from "../../../shared/logger.ts";
import type { Instance } from "../../domain/instance.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Compute } from "../../ports/compute.ts";
import type { GitHub } from "../../ports/github.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";
import type { JobQueue } from "../../ports/job-queue.ts";
import type { JobStore } from "../../ports/job-store.ts";
import type { MarkerStore } from "../../ports/marker-store.ts";
import type { Metrics } from "../../ports/metrics.ts";
import type { RunnerConfigStore } from "../../ports/runner-config-store.ts";
import type { CircuitService } from "../common/circuits.ts";

/** What the services that follow a job after launch share. */
export interface LifecycleDeps {
  jobs: JobStore;
  instances: InstanceStore;
  queue: JobQueue;
  compute: Pick<Compute, "terminate">;
  circuits: CircuitService;
  /** The control plane's own region, whose circuits keep bare type keys (absent: every region's). */
  homeRegion?: string;
  github: GitHub;
  runnerConfigs: RunnerConfigStore;
  markers: MarkerStore;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Whether a pool member that finished its job goes back to its pool (absent: never). */
  poolWants?(instance: Instance): Promise<boolean>;
  /** Re-queues after spot interruptions before a job fails (default 2). */
  maxRetries?: number;
}
