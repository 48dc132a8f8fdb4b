import { type CircuitConfig, defaultCircuitConfig } from "../control/domain/circuit.ts";
import type { JobStore } from "../control/ports/job-store.ts";
import { pooled, simPoolName } from "./pool-sizing.ts";

/** The policies one run compares, by the name `--json` gives them. */
export const policyNames = ["on-demand", "naive-spot", "breaker", "breaker-pools"] as const;
export type PolicyName = (typeof policyNames)[number];

/** How a policy changes the workload's labels, the circuit breaker and what the jobs table keeps. */
export interface Policy {
  name: PolicyName;
  labels(labels: readonly string[]): string[];
  circuit: CircuitConfig;
  wrapJobs(jobs: JobStore): JobStore;
  /** The policy keeps warm pools (their sizes come with the workload). */
  usesPools: boolean;
}

/** A circuit that never opens: spot whatever the interruptions. */
const noBreaker: CircuitConfig = { ...defaultCircuitConfig, threshold: Number.MAX_SAFE_INTEGER };

/**
 * The jobs table of a fleet without forced on-demand retries: whatever the services ask, an
 * interrupted job goes round again on spot (the "naive" policy).
 */
function spotRetries(jobs: JobStore): JobStore {
  return {
    ...jobs,
    create: (job) => jobs.create({ ...job, forceOnDemand: false }),
    transition: (jobId, change) =>
      jobs.transition(
        jobId,
        change.patch?.forceOnDemand
          ? { ...change, patch: { ...change.patch, forceOnDemand: false } }
          : change,
      ),
  };
}

/** On-demand everywhere: what a user gets by adding `spot=false` to every label. */
function onDemandLabels(labels: readonly string[]): string[] {
  return labels.map((l) => (l.startsWith("runs-fleet") ? `${l}/spot=false` : l));
}

/** Plain `runs-fleet` jobs ask for the simulated pool. */
function poolLabels(labels: readonly string[]): string[] {
  return pooled(labels) ? labels.map((l) => `${l}/pool=${simPoolName}`) : [...labels];
}

/** The policy called `name`. */
export function policy(name: PolicyName): Policy {
  const same = (labels: readonly string[]) => [...labels];
  const keep = (jobs: JobStore) => jobs;
  switch (name) {
    case "on-demand":
      return {
        name,
        labels: onDemandLabels,
        circuit: defaultCircuitConfig,
        wrapJobs: keep,
        usesPools: false,
      };
    case "naive-spot":
      return { name, labels: same, circuit: noBreaker, wrapJobs: spotRetries, usesPools: false };
    case "breaker":
      return {
        name,
        labels: same,
        circuit: defaultCircuitConfig,
        wrapJobs: keep,
        usesPools: false,
      };
    case "breaker-pools":
      return {
        name,
        labels: poolLabels,
        circuit: defaultCircuitConfig,
        wrapJobs: keep,
        usesPools: true,
      };
  }
}
