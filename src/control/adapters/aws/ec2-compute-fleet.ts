import type {
  _InstanceType,
  CreateFleetCommandInput,
  CreateFleetCommandOutput,
  FleetLaunchTemplateOverridesRequest,
} from "@aws-sdk/client-ec2";
import { FleetTag } from "../../domain/launch-slot.ts";
import type { Market, Placement } from "../../domain/placement.ts";

/** How fleet requests are shaped beyond what placement decides. */
export interface FleetSettings {
  /** `prioritized` follows the candidates' order (cheapest fitting first); `lowest-price` asks EC2. */
  onDemandAllocationStrategy: "prioritized" | "lowest-price";
  /** Root device names when the launch template does not say (Amazon Linux: /dev/xvda). */
  rootDeviceName: { linux: string; windows: string };
  /** At most this many type × subnet overrides in one request. */
  maxOverrides: number;
}

export const defaultFleetSettings: FleetSettings = {
  onDemandAllocationStrategy: "prioritized",
  rootDeviceName: { linux: "/dev/xvda", windows: "/dev/sda1" },
  maxOverrides: 60,
};

/**
 * Overrides: every instance type × one subnet per zone, skipping pairs whose zone does not offer
 * the type (`zones` null: offerings unknown, keep all), capped at `maxOverrides`. Each carries
 * the root volume: gp3, encrypted, `diskGiB`.
 */
export function fleetOverrides(
  p: Placement,
  zones: ReadonlyMap<string, ReadonlySet<string>> | null,
  settings: FleetSettings,
): FleetLaunchTemplateOverridesRequest[] {
  const deviceName = p.launchTemplate.rootDeviceName ?? settings.rootDeviceName[p.os];
  const out: FleetLaunchTemplateOverridesRequest[] = [];
  p.instanceTypes.forEach((instanceType, priority) => {
    for (const subnet of p.subnets) {
      if (zones !== null && !zones.get(instanceType)?.has(subnet.az)) continue;
      out.push({
        InstanceType: instanceType as _InstanceType,
        SubnetId: subnet.subnetId,
        ...(p.market === "on-demand" ? { Priority: priority } : {}),
        BlockDeviceMappings: [
          {
            DeviceName: deviceName,
            Ebs: {
              VolumeSize: p.diskGiB,
              VolumeType: "gp3",
              Encrypted: true,
              DeleteOnTermination: true,
            },
          },
        ],
      });
    }
  });
  return out.slice(0, settings.maxOverrides);
}

/** Tags every instance of this placement gets at launch. */
export function placementTags(p: Placement): Record<string, string> {
  return {
    [FleetTag.managed]: "true",
    [FleetTag.env]: p.env,
    ...(p.pool === null ? {} : { [FleetTag.pool]: p.pool }),
  };
}

/** A `CreateFleet` of type `instant` for `count` instances of `p` in its market. */
export function createFleetInput(
  p: Placement,
  count: number,
  overrides: FleetLaunchTemplateOverridesRequest[],
  tags: Record<string, string>,
  settings: FleetSettings,
): CreateFleetCommandInput {
  const t = p.launchTemplate;
  const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  return {
    Type: "instant",
    TargetCapacitySpecification: {
      TotalTargetCapacity: count,
      DefaultTargetCapacityType: p.market,
      ...(p.market === "spot" ? { SpotTargetCapacity: count } : { OnDemandTargetCapacity: count }),
    },
    ...(p.market === "spot"
      ? { SpotOptions: { AllocationStrategy: "price-capacity-optimized" } }
      : { OnDemandOptions: { AllocationStrategy: settings.onDemandAllocationStrategy } }),
    LaunchTemplateConfigs: [
      {
        LaunchTemplateSpecification: {
          ...(t.id === undefined ? { LaunchTemplateName: t.name } : { LaunchTemplateId: t.id }),
          Version: t.version,
        },
        Overrides: overrides,
      },
    ],
    TagSpecifications: [
      { ResourceType: "instance", Tags },
      { ResourceType: "volume", Tags },
    ],
  };
}

/** One instance out of a CreateFleet answer. */
export interface FleetInstance {
  instanceId: string;
  instanceType: string;
  market: Market;
  az: string;
  subnetId: string;
}

/** The instances and the errors of a CreateFleet answer, zones filled in from the placement. */
export function readFleetOutput(
  p: Placement,
  out: Pick<CreateFleetCommandOutput, "Instances" | "Errors">,
): { instances: FleetInstance[]; errors: { code: string; message: string }[] } {
  const azOf = new Map(p.subnets.map((s) => [s.subnetId, s.az]));
  const instances: FleetInstance[] = [];
  for (const group of out.Instances ?? []) {
    const o = group.LaunchTemplateAndOverrides?.Overrides;
    const subnetId = o?.SubnetId ?? "";
    for (const instanceId of group.InstanceIds ?? []) {
      instances.push({
        instanceId,
        instanceType: group.InstanceType ?? o?.InstanceType ?? "",
        market: group.Lifecycle === "spot" ? "spot" : group.Lifecycle ? "on-demand" : p.market,
        az: o?.AvailabilityZone ?? azOf.get(subnetId) ?? "",
        subnetId,
      });
    }
  }
  const errors = (out.Errors ?? []).map((e) => ({
    code: e.ErrorCode ?? "Unknown",
    message: e.ErrorMessage ?? "",
  }));
  return { instances, errors };
}
