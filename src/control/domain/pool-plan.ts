import type { Instance } from "./instance.ts";
import type { PoolDefinition } from "./pool-config.ts";
import {
  classifyMember,
  type MemberHealth,
  type PoolMember,
  type ProviderView,
} from "./pool-members.ts";
import { desiredSizes, type PoolOverride, type PoolSizes } from "./pool-schedule.ts";

/** A pool as the planner sees it: its definition, any live override, whether it is paused. */
export interface PlannedPool {
  definition: PoolDefinition;
  override?: PoolOverride | null;
  paused?: boolean;
  health: MemberHealth;
  /** When to read schedules and overrides at (ms); default `now`. Lets a simulation move it alone. */
  sizesAt?: number;
  /** The provider's running machines, when known (see `classifyMember`). */
  provider?: ProviderView;
}

/** One step towards the desired sizes. `launch` adds new idle members (they start hot). */
export type PoolAction =
  | { kind: "launch"; count: number; reason: string }
  | { kind: "start" | "stop" | "terminate"; instanceId: string; reason: string };

/** Members by role. */
export interface PoolCounts {
  hot: number;
  starting: number;
  stopped: number;
  busy: number;
  unhealthy: number;
}

/** What the pool wants, what it has, and the actions that close the gap. */
export interface PoolPlan {
  desired: PoolSizes;
  actual: PoolCounts;
  actions: PoolAction[];
}

const longestIdleFirst = (a: PoolMember, b: PoolMember) => a.idleSince - b.idleSince;

/**
 * Plans one reconcile pass of a pool, purely: ends unhealthy members, ends members beyond
 * `max`, starts stopped members for missing hot ones, stops surplus hot members for missing
 * stopped ones, launches the rest (within `max`), and ends idle surplus once it has been idle
 * for the pool's timeout, longest idle first. A paused pool is planned but not acted on.
 * Members that are `starting` count as hot but are never stopped (their agent is not up yet).
 */
export function planPool(pool: PlannedPool, instances: readonly Instance[], now: number): PoolPlan {
  const def = pool.definition;
  const desired = desiredSizes(def, pool.sizesAt ?? now, pool.override ?? null);
  const members = instances
    .filter((i) => i.pool === def.name && i.state !== "terminated")
    .map((i) => classifyMember(i, now, pool.health, pool.provider));
  const of = (role: PoolMember["role"]) => members.filter((m) => m.role === role);
  const hot = of("hot").sort(longestIdleFirst);
  const starting = of("starting");
  const stopped = of("stopped").sort(longestIdleFirst);
  const busy = of("busy");
  const unhealthy = of("unhealthy");
  const actual: PoolCounts = {
    hot: hot.length,
    starting: starting.length,
    stopped: stopped.length,
    busy: busy.length,
    unhealthy: unhealthy.length,
  };
  if (pool.paused) return { desired, actual, actions: [] };

  const actions: PoolAction[] = unhealthy.map((m) => ({
    kind: "terminate",
    instanceId: m.instance.instanceId,
    reason: `pool ${def.name}: unhealthy (${m.problem})`,
  }));
  const end = (m: PoolMember, reason: string) =>
    actions.push({ kind: "terminate", instanceId: m.instance.instanceId, reason });

  // Beyond the maximum: end idle members at once, stopped ones first (they serve slowest).
  const cap = def.max ?? Number.POSITIVE_INFINITY;
  let over = hot.length + starting.length + stopped.length + busy.length - cap;
  for (const list of [stopped, hot]) {
    while (over > 0 && list.length > 0) {
      const m = list.pop();
      if (m) end(m, `pool ${def.name}: beyond its maximum of ${cap}`);
      over--;
    }
  }

  // Missing hot members: start stopped ones first (seconds, not a cold boot).
  let hotHave = hot.length + starting.length;
  while (hotHave < desired.hot && stopped.length > 0) {
    const m = stopped.shift();
    if (!m) break;
    actions.push({
      kind: "start",
      instanceId: m.instance.instanceId,
      reason: `pool ${def.name}: hot ${hotHave}/${desired.hot}`,
    });
    hotHave++;
  }
  // Missing stopped members: stop surplus hot ones (ready, longest idle first).
  let stoppedHave = stopped.length;
  while (stoppedHave < desired.stopped && hotHave > desired.hot && hot.length > 0) {
    const m = hot.shift();
    if (!m) break;
    actions.push({
      kind: "stop",
      instanceId: m.instance.instanceId,
      reason: `pool ${def.name}: stopped ${stoppedHave}/${desired.stopped}`,
    });
    stoppedHave++;
    hotHave--;
  }
  // Still short: launch (a new member boots hot; one meant to be stopped is stopped once ready).
  const total = hotHave + stoppedHave + busy.length;
  // Starting members beyond the hot size will fill missing stopped ones once ready.
  const short = Math.max(0, desired.hot + desired.stopped - hotHave - stoppedHave);
  const room = Math.max(0, cap - total);
  const launch = Math.min(short, room);
  if (launch > 0)
    actions.push({
      kind: "launch",
      count: launch,
      reason: `pool ${def.name}: hot ${hotHave}/${desired.hot}, stopped ${stoppedHave}/${desired.stopped}`,
    });

  // Idle surplus: ended once idle for the pool's timeout.
  const timeoutMs = def.idleTimeoutMinutes * 60_000;
  const expire = (list: PoolMember[], surplus: number, what: string) => {
    for (const m of list.slice(0, Math.max(0, surplus))) {
      if (now - m.idleSince >= timeoutMs)
        end(m, `pool ${def.name}: surplus ${what}, idle ${def.idleTimeoutMinutes} min`);
    }
  };
  expire(hot, hot.length + starting.length - desired.hot, "hot");
  expire(stopped, stopped.length - desired.stopped, "stopped");
  return { desired, actual, actions };
}
