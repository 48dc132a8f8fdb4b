import type { CapacityLimits } from "../control/domain/capacity.ts";
import { defaultCatalog } from "../control/domain/catalog-default.ts";
import { githubHostedPrices } from "../control/domain/cost-github.ts";
import type { PlacementConfig } from "../control/domain/placement-config.ts";
import type { PoolDefinition } from "../control/domain/pool-config.ts";
import type { Ec2Model } from "./ec2.ts";
import { type PolicyName, policy } from "./policies.ts";
import { type PolicyRun, runPolicy } from "./run-policy.ts";
import type { WorkItem } from "./workload.ts";

/** One policy's run as plain data, so it can cross to a worker thread. */
export interface PolicyJob {
  name: PolicyName;
  items: readonly WorkItem[];
  start: number;
  tailMs: number;
  seed: number;
  model: Ec2Model;
  placement?: PlacementConfig;
  limits?: CapacityLimits;
  pools: readonly PoolDefinition[];
  /** Hot sizes per UTC hour (weekdays, weekends) the pools are set to as each hour starts. */
  poolHours?: { weekdays: readonly number[]; weekends: readonly number[] };
}

/** Runs the policy a `PolicyJob` names. */
export function runPolicyByName(job: PolicyJob): Promise<PolicyRun> {
  const { name, ...rest } = job;
  return runPolicy({
    ...rest,
    policy: policy(name),
    catalog: defaultCatalog,
    prices: githubHostedPrices,
  });
}
