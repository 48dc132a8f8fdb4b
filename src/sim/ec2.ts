import { type Catalog, onDemandUsdPerHour } from "../control/domain/catalog.ts";
import { FleetError } from "../control/domain/errors.ts";
import type { Market } from "../control/domain/placement.ts";
import type { Os } from "../control/domain/spec.ts";
import type {
  Compute,
  InstanceInfo,
  InstanceState,
  LaunchedInstance,
  LaunchRequest,
  LaunchResult,
} from "../control/ports/compute.ts";
import type { Engine } from "./engine.ts";
import type { Rng } from "./prng.ts";

/** How the simulated EC2 behaves. */
export interface Ec2Model {
  region: string;
  /** Spot price as a share of the on-demand list price. */
  spotShare: number;
  /** Chance that one spot launch of one type finds no capacity. */
  spotCapacityErrorRate: number;
  /** Spot interruptions per instance-hour of an ordinary type. */
  interruptionsPerHour: number;
  /**
   * A "bad" type that is reclaimed repeatedly: its base rate, and bursts (mean gap, mean length)
   * during which each of its spot instances is reclaimed at `burstPerHour`.
   */
  badType: string | null;
  badPerHour: number;
  burstEveryHours: number;
  burstHours: number;
  burstPerHour: number;
  /** Median boot seconds per OS (log-normal, `bootSigma`). */
  bootSeconds: Record<Os, number>;
  bootSigma: number;
}

/** A simulated instance: what EC2 knows and bills. */
export interface SimInstance {
  info: InstanceInfo;
  os: Os;
  usdPerHour: number;
  /** Start of the current billed period, and billed seconds so far. */
  billedFrom: number | null;
  billedSeconds: number;
  interrupted: boolean;
}

/** What the world does when EC2 changes an instance. */
export interface Ec2Hooks {
  launched(instance: SimInstance, tags: Record<string, string>): void;
  /** A spot interruption notice: the instance ends two minutes later. */
  noticed(instance: SimInstance): void;
  /** The instance terminated, or stopped (its agent is gone either way). */
  ended(instance: SimInstance): void;
}

/**
 * EC2 as the `Compute` port sees it, in virtual time: launches pick the first requested type
 * with capacity, spot falls back to on-demand on a capacity error when asked, spot instances
 * are reclaimed at a rate per type (with correlated bursts on the bad type), and every running
 * second is billed, with a 60 s minimum per start.
 */
export function createSimEc2(o: {
  engine: Engine;
  rng: Rng;
  model: Ec2Model;
  catalog: Catalog;
  hooks: Ec2Hooks;
}) {
  const { engine, rng, model } = o;
  const clock = engine.clock;
  const live = new Map<string, SimInstance>();
  const ended: SimInstance[] = [];
  let next = 0;
  let burstUntil = 0;
  let interruptions = 0;
  let peak = 0;

  const price = (type: string, os: Os, market: Market) => {
    const entry = o.catalog.types.find((e) => e.instanceType === type);
    const list = entry ? (onDemandUsdPerHour(o.catalog, entry, os, model.region) ?? 0) : 0;
    return market === "spot" ? list * model.spotShare : list;
  };
  const bill = (i: SimInstance) => {
    if (i.billedFrom === null) return;
    i.billedSeconds += Math.max(60, (clock.now() - i.billedFrom) / 1000);
    i.billedFrom = null;
  };
  const setState = (i: SimInstance, state: InstanceState) => {
    i.info = { ...i.info, state };
  };
  const end = (i: SimInstance) => {
    if (!live.delete(i.info.instanceId)) return;
    bill(i);
    setState(i, "terminated");
    ended.push(i);
    o.hooks.ended(i);
  };

  const launchOne = (request: LaunchRequest, tags: Record<string, string>, market: Market) => {
    const p = request.placement;
    const types = p.instanceTypes;
    const type =
      market === "spot" ? types.find(() => !rng.chance(model.spotCapacityErrorRate)) : types[0];
    if (type === undefined) return null;
    const az = p.subnets[0]?.az ?? `${model.region}a`;
    const id = `i-sim${(++next).toString(16).padStart(13, "0")}`;
    const instance: SimInstance = {
      info: {
        instanceId: id,
        instanceType: type,
        market,
        state: "pending",
        az,
        subnetId: p.subnets[0]?.subnetId ?? null,
        launchedAt: clock.now(),
        tags,
      },
      os: p.os,
      usdPerHour: price(type, p.os, market),
      billedFrom: clock.now(),
      billedSeconds: 0,
      interrupted: false,
    };
    live.set(id, instance);
    peak = Math.max(peak, live.size);
    o.hooks.launched(instance, tags);
    return instance;
  };

  const compute: Compute = {
    async launch(request): Promise<LaunchResult> {
      const out: LaunchResult = { instances: [], errors: [] };
      for (const slot of request.slots) {
        const tags = { ...slot.tags };
        let got = launchOne(request, tags, request.placement.market);
        if (!got && request.onDemandFallback !== false) got = launchOne(request, tags, "on-demand");
        if (!got) {
          const error = new FleetError("capacity", "no spot capacity", { retryable: true });
          out.errors.push({ slotId: slot.slotId, error });
          continue;
        }
        const launched: LaunchedInstance = {
          slotId: slot.slotId,
          instanceId: got.info.instanceId,
          instanceType: got.info.instanceType,
          market: got.info.market,
          az: got.info.az,
          subnetId: got.info.subnetId ?? "",
        };
        out.instances.push(launched);
      }
      return out;
    },
    async terminate(ids) {
      for (const id of ids) {
        const i = live.get(id);
        if (i) end(i);
      }
    },
    async stop(ids) {
      for (const id of ids) {
        const i = live.get(id);
        if (!i) continue;
        bill(i);
        setState(i, "stopped");
        o.hooks.ended(i);
      }
    },
    async start(ids) {
      for (const id of ids) {
        const i = live.get(id);
        if (i?.info.state !== "stopped") continue;
        i.billedFrom = clock.now();
        setState(i, "pending");
        o.hooks.launched(i, i.info.tags);
      }
    },
    async describe(filter) {
      const states = filter.states;
      return [...live.values()]
        .map((i) => i.info)
        .filter(
          (i) =>
            (!states || states.includes(i.state)) &&
            (!filter.instanceIds || filter.instanceIds.includes(i.instanceId)) &&
            Object.entries(filter.tags ?? {}).every(([k, v]) => i.tags[k] === v),
        );
    },
  };

  /** Once a minute: each running spot instance may be reclaimed (a notice, then the end). */
  const reclaimTick = () => {
    const now = clock.now();
    if (model.badType && now >= burstUntil && rng.chance(1 / (model.burstEveryHours * 60)))
      burstUntil = now + rng.exp(model.burstHours * 3_600_000);
    for (const i of live.values()) {
      if (i.info.market !== "spot" || i.interrupted || i.billedFrom === null) continue;
      const bad = i.info.instanceType === model.badType;
      const perHour = bad
        ? now < burstUntil
          ? model.burstPerHour
          : model.badPerHour
        : model.interruptionsPerHour;
      if (!rng.chance(1 - Math.exp(-perHour / 60))) continue;
      i.interrupted = true;
      interruptions++;
      o.hooks.noticed(i);
      engine.after(120_000, () => end(i));
    }
  };

  return {
    compute,
    reclaimTick,
    /** Marks a running instance as booted (EC2 says `running`). */
    running(i: SimInstance) {
      if (live.has(i.info.instanceId)) setState(i, "running");
    },
    /** The agent shut its own instance down. */
    shutdown(i: SimInstance) {
      end(i);
    },
    isLive: (i: SimInstance) => live.has(i.info.instanceId),
    /** USD billed so far, by market (instances still running are billed up to now). */
    cost() {
      const byMarket = { spot: 0, "on-demand": 0 };
      for (const i of [...ended, ...live.values()]) {
        const open = i.billedFrom === null ? 0 : Math.max(60, (clock.now() - i.billedFrom) / 1000);
        byMarket[i.info.market] += ((i.billedSeconds + open) * i.usdPerHour) / 3600;
      }
      return byMarket;
    },
    interruptions: () => interruptions,
    /** Most instances alive at once. */
    peak: () => peak,
    launches: () => next,
  };
}
export type SimEc2 = ReturnType<typeof createSimEc2>;
