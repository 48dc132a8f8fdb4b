import { allowsSpot, type CircuitState, needsProbe } from "./circuit.ts";
import {
  type LaunchTemplateRef,
  type PlacementConfig,
  placementCircuitConfig,
  regionPlacement,
  type SubnetRef,
} from "./placement-config.ts";
import type { Arch, Candidate, Os, Spec } from "./spec.ts";

export type Market = "spot" | "on-demand";

/**
 * Why a job goes on-demand: forced after an interruption, `spot=false`, a pool label, every
 * candidate's circuit open, or no spot capacity at launch.
 */
export type OnDemandReason = "forced" | "spot=false" | "pool" | "circuits-open" | "capacity";

/** Where and how to launch a job: the input of one fleet request. */
export interface Placement {
  market: Market;
  /** Why the market is on-demand; null for spot. */
  onDemandReason: OnDemandReason | null;
  region: string;
  env: string;
  os: Os;
  arch: Arch;
  pool: string | null;
  /** Instance types in priority order (cheapest fitting first). */
  instanceTypes: string[];
  /** Spot candidates left out because their circuit is open (or its probe is taken). */
  excludedTypes: string[];
  /** One subnet per availability zone. */
  subnets: SubnetRef[];
  launchTemplate: LaunchTemplateRef;
  diskGiB: number;
  /**
   * A half-open type whose probe is free: the scheduler may claim it (CircuitService.startProbe)
   * and launch one job with `probePlacement`. Null when none, or when the job is not for spot.
   */
  probe: string | null;
  /** Equal keys mean the same fleet request can serve both jobs. */
  placementKey: string;
}

export interface PlacementInput {
  spec: Spec;
  /** Resolved candidates, in priority order. */
  candidates: readonly Candidate[];
  /** Circuits by instance type; a type with no entry is closed. */
  circuits: ReadonlyMap<string, CircuitState>;
  /** Set on a job re-queued after a spot interruption. */
  forceOnDemand: boolean;
  now: number;
  config: PlacementConfig;
}

export type PlacementResult = { ok: true; placement: Placement } | { ok: false; reason: string };

/** The stable key of a placement: every field that changes the fleet request. */
export function placementKeyOf(p: Omit<Placement, "placementKey">): string {
  const t = p.launchTemplate;
  return JSON.stringify([
    p.market,
    p.region,
    p.env,
    p.os,
    p.arch,
    p.pool,
    [t.id ?? null, t.name ?? null, t.version, t.rootDeviceName ?? null],
    p.instanceTypes,
    p.subnets.map((s) => s.subnetId),
    p.diskGiB,
  ]);
}

/** The first configured subnet of each availability zone, in configuration order. */
function onePerAz(subnets: readonly SubnetRef[]): SubnetRef[] {
  const byAz = new Map<string, SubnetRef>();
  for (const s of subnets) if (!byAz.has(s.az)) byAz.set(s.az, s);
  return [...byAz.values()];
}

/** Why this job may not use spot at all, before looking at circuits. */
function onDemandByRequest(input: PlacementInput): OnDemandReason | null {
  if (input.forceOnDemand) return "forced";
  if (!input.spec.spot) return "spot=false";
  if (input.spec.pool !== null) return "pool";
  return null;
}

/** Decides market, instance types, subnets and launch template for one job. Pure. */
export function place(input: PlacementInput): PlacementResult {
  const { spec, config, now } = input;
  const region = spec.region ?? config.region;
  const regional = regionPlacement(config, region);
  if (regional === null) return { ok: false, reason: `region ${region} is not configured` };

  const arch = spec.arch ?? input.candidates[0]?.arch;
  if (arch === undefined) return { ok: false, reason: "no candidate instance types" };
  const candidates = [
    ...new Set(input.candidates.filter((c) => c.arch === arch).map((c) => c.instanceType)),
  ];
  if (candidates.length === 0) {
    return { ok: false, reason: `no candidate instance types for ${arch}` };
  }

  const templateKey = `${spec.os}-${arch}`;
  const launchTemplate =
    regional.launchTemplates[`${templateKey}@${spec.env}`] ?? regional.launchTemplates[templateKey];
  if (launchTemplate === undefined) {
    return {
      ok: false,
      reason: `no launch template for ${templateKey} (env ${spec.env}, ${region})`,
    };
  }
  const subnets = onePerAz(regional.subnets[spec.env] ?? []).slice(0, config.maxOverrides);
  if (subnets.length === 0) {
    return { ok: false, reason: `no subnets for env ${spec.env} in ${region}` };
  }
  const maxTypes = Math.max(
    1,
    Math.min(config.maxInstanceTypes, Math.floor(config.maxOverrides / subnets.length)),
  );

  const circuitConfig = placementCircuitConfig(config);
  const circuitOf = (t: string) => input.circuits.get(t);
  let onDemandReason = onDemandByRequest(input);
  let instanceTypes = candidates;
  let excludedTypes: string[] = [];
  let probe: string | null = null;
  if (onDemandReason === null) {
    // Only closed circuits serve ordinary spot launches; a half-open type gets one probe launch.
    const closed = (t: string) => {
      const c = circuitOf(t);
      return c === undefined || (allowsSpot(c, now, circuitConfig) && !needsProbe(c, now));
    };
    instanceTypes = candidates.filter(closed);
    excludedTypes = candidates.filter((t) => !closed(t));
    probe =
      excludedTypes.find((t) => {
        const c = circuitOf(t);
        return c !== undefined && allowsSpot(c, now, circuitConfig);
      }) ?? null;
    if (instanceTypes.length === 0) {
      onDemandReason = "circuits-open";
      instanceTypes = candidates;
    }
  }

  const placement: Omit<Placement, "placementKey"> = {
    market: onDemandReason === null ? "spot" : "on-demand",
    onDemandReason,
    region,
    env: spec.env,
    os: spec.os,
    arch,
    pool: spec.pool,
    instanceTypes: instanceTypes.slice(0, maxTypes),
    excludedTypes,
    subnets,
    launchTemplate,
    diskGiB: spec.diskGiB ?? config.defaultDiskGiB[spec.os],
    probe,
  };
  return { ok: true, placement: { ...placement, placementKey: placementKeyOf(placement) } };
}

/** The spot placement of a claimed half-open probe: that one type only, never batched with others. */
export function probePlacement(p: Placement, instanceType: string): Placement {
  const probe: Omit<Placement, "placementKey"> = {
    ...p,
    market: "spot",
    onDemandReason: null,
    instanceTypes: [instanceType],
    excludedTypes: [],
    probe: null,
  };
  return { ...probe, placementKey: `probe:${placementKeyOf(probe)}` };
}

/** The same placement on on-demand, same types (circuits do not matter there). */
export function onDemandPlacement(p: Placement, reason: OnDemandReason): Placement {
  const od: Omit<Placement, "placementKey"> = {
    ...p,
    market: "on-demand",
    onDemandReason: reason,
    probe: null,
  };
  return { ...od, placementKey: placementKeyOf(od) };
}
