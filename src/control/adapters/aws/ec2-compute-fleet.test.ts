import { describe, expect, it } from "vitest";
import type { Placement } from "../../domain/placement.ts";
import {
  createFleetInput,
  defaultFleetSettings,
  fleetOverrides,
  readFleetOutput,
} from "./ec2-compute-fleet.ts";

const base: Placement = {
  market: "spot",
  onDemandReason: null,
  region: "us-east-1",
  env: "default",
  os: "windows",
  arch: "amd64",
  pool: null,
  instanceTypes: Array.from({ length: 20 }, (_, i) => `m${i}.large`),
  excludedTypes: [],
  subnets: [
    { subnetId: "s-a", az: "a" },
    { subnetId: "s-b", az: "b" },
    { subnetId: "s-c", az: "c" },
    { subnetId: "s-d", az: "d" },
  ],
  launchTemplate: { name: "win", version: "$Default" },
  diskGiB: 80,
  probe: null,
  placementKey: "k",
};

describe("fleet request", () => {
  it("caps overrides at 60 and uses the OS's root device", () => {
    const overrides = fleetOverrides(base, null, defaultFleetSettings);
    expect(overrides).toHaveLength(60);
    expect(overrides[0]?.BlockDeviceMappings?.[0]?.DeviceName).toBe("/dev/sda1");
    expect(overrides.some((o) => o.Priority !== undefined)).toBe(false);
  });

  it("prefers the template's root device name and skips unoffered zones", () => {
    const p = {
      ...base,
      instanceTypes: ["m0.large"],
      launchTemplate: { ...base.launchTemplate, rootDeviceName: "/dev/xvdz" },
    };
    const zones = new Map([["m0.large", new Set(["b"])]]);
    const overrides = fleetOverrides(p, zones, defaultFleetSettings);
    expect(overrides.map((o) => [o.SubnetId, o.BlockDeviceMappings?.[0]?.DeviceName])).toEqual([
      ["s-b", "/dev/xvdz"],
    ]);
  });

  it("asks for spot or on-demand capacity only, never both", () => {
    const spot = createFleetInput(base, 4, [], {}, defaultFleetSettings);
    expect(spot.TargetCapacitySpecification).toEqual({
      TotalTargetCapacity: 4,
      DefaultTargetCapacityType: "spot",
      SpotTargetCapacity: 4,
    });
    expect(spot.OnDemandOptions).toBeUndefined();
    const od = createFleetInput(
      { ...base, market: "on-demand" },
      2,
      [],
      {},
      { ...defaultFleetSettings, onDemandAllocationStrategy: "lowest-price" },
    );
    expect(od.OnDemandOptions).toEqual({ AllocationStrategy: "lowest-price" });
    expect(od.SpotOptions).toBeUndefined();
  });

  it("reads every instance id of every group, with the zone of its subnet", () => {
    const read = readFleetOutput(base, {
      Instances: [
        {
          Lifecycle: "spot",
          InstanceType: "m5.large",
          InstanceIds: ["i-1", "i-2"],
          LaunchTemplateAndOverrides: { Overrides: { SubnetId: "s-c" } },
        },
        { Lifecycle: "on-demand", InstanceType: "m6i.large", InstanceIds: ["i-3"] },
      ],
      Errors: [{ ErrorCode: "InsufficientInstanceCapacity", ErrorMessage: "x" }],
    });
    expect(read.instances.map((i) => [i.instanceId, i.market, i.az])).toEqual([
      ["i-1", "spot", "c"],
      ["i-2", "spot", "c"],
      ["i-3", "on-demand", ""],
    ]);
    expect(read.errors).toEqual([{ code: "InsufficientInstanceCapacity", message: "x" }]);
  });
});
