import * as v from "valibot";
import { type CircuitConfig, defaultCircuitConfig } from "./circuit.ts";

/** A launch template: by id or by name, at a version (`$Default`, `$Latest` or a number). */
export const LaunchTemplateRefSchema = v.pipe(
  v.object({
    id: v.optional(v.string()),
    name: v.optional(v.string()),
    version: v.optional(v.string(), "$Default"),
    /** The AMI's root device, whose size and encryption `disk=` overrides. */
    rootDeviceName: v.optional(v.string()),
  }),
  v.check((t) => (t.id === undefined) !== (t.name === undefined), "give exactly one of id, name"),
);
export type LaunchTemplateRef = v.InferOutput<typeof LaunchTemplateRefSchema>;

/** A subnet the fleet may launch into, with its availability zone. */
export const SubnetRefSchema = v.object({ subnetId: v.string(), az: v.string() });
export type SubnetRef = v.InferOutput<typeof SubnetRefSchema>;

/**
 * Launch templates keyed `<os>-<arch>` (`linux-amd64`, `linux-arm64`, `windows-amd64`), or
 * `<os>-<arch>@<env>` for one environment; subnets keyed by environment (`default`, …).
 */
export const RegionPlacementSchema = v.object({
  launchTemplates: v.record(v.string(), LaunchTemplateRefSchema),
  subnets: v.record(v.string(), v.array(SubnetRefSchema)),
});
export type RegionPlacement = v.InferOutput<typeof RegionPlacementSchema>;

const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1));

/** What placement needs from the configuration; `entry/` parses it once at start. */
export const PlacementConfigSchema = v.object({
  /** The default region; its templates and subnets sit at the top level. */
  region: v.string(),
  ...RegionPlacementSchema.entries,
  /** Further regions a label may name with `region=`, in failover order. */
  regions: v.optional(v.record(v.string(), RegionPlacementSchema), {}),
  /** Regions an operator marked down: unpinned jobs go elsewhere, pinned ones wait. */
  down: v.optional(v.array(v.string())),
  defaultDiskGiB: v.optional(v.object({ linux: positiveInt, windows: positiveInt }), {
    linux: 40,
    windows: 80,
  }),
  /** At most this many instance types in one fleet request (LABELS.md: 20). */
  maxInstanceTypes: v.optional(positiveInt, 20),
  /** At most this many type × subnet overrides in one fleet request. */
  maxOverrides: v.optional(positiveInt, 60),
});
export type PlacementConfig = v.InferOutput<typeof PlacementConfigSchema> & {
  circuit?: CircuitConfig;
};

/** The templates and subnets of `region`, or null when it is not configured. */
export function regionPlacement(config: PlacementConfig, region: string): RegionPlacement | null {
  if (region === config.region) return config;
  return config.regions[region] ?? null;
}

/** The circuit settings placement judges half-open probes by. */
export function placementCircuitConfig(config: PlacementConfig): CircuitConfig {
  return config.circuit ?? defaultCircuitConfig;
}
