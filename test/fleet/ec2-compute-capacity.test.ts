/**
 * Capacity and failure paths of the EC2 compute adapter. moto's CreateFleet always fills the
 * whole target and never reports InsufficientInstanceCapacity, throttling or 5xx answers, so
 * these paths use aws-sdk-client-mock; everything moto can do is tested in ec2-compute.test.ts.
 */
import {
  CreateFleetCommand,
  type CreateFleetCommandOutput,
  CreateTagsCommand,
  DescribeInstanceTypeOfferingsCommand,
  EC2Client,
  EC2ServiceException,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import * as v from "valibot";
import { beforeEach, describe, expect, it } from "vitest";
import { createEc2Compute } from "../../src/control/adapters/aws/ec2-compute.ts";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { defaultSpec } from "../../src/control/domain/labels-types.ts";
import { jobSlot } from "../../src/control/domain/launch-slot.ts";
import { type Placement, place } from "../../src/control/domain/placement.ts";
import { PlacementConfigSchema } from "../../src/control/domain/placement-config.ts";

const config = v.parse(PlacementConfigSchema, {
  region: "us-east-1",
  launchTemplates: { "linux-arm64": { name: "lt-arm" } },
  subnets: {
    default: [
      { subnetId: "subnet-a", az: "us-east-1a" },
      { subnetId: "subnet-b", az: "us-east-1b" },
    ],
  },
});

function spotPlacement(): Placement {
  const r = place({
    spec: { ...defaultSpec(), arch: "arm64" },
    candidates: ["c7g.large", "m7g.large"].map((instanceType) => ({
      instanceType,
      vcpu: 2,
      memoryGiB: 4,
      arch: "arm64" as const,
      onDemandUsdPerHour: null,
    })),
    circuits: new Map(),
    forceOnDemand: false,
    now: 0,
    config,
  });
  if (!r.ok) throw new Error(r.reason);
  return r.placement;
}

const slots = [1, 2, 3].map((n) => jobSlot({ jobId: `j${n}`, runId: "r", repo: "o/r" }));

function awsError(name: string, status: number): EC2ServiceException {
  return new EC2ServiceException({
    name,
    message: `${name} happened`,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
  });
}

function fleetAnswer(
  lifecycle: "spot" | "on-demand",
  ids: string[],
  errors: string[] = [],
): Partial<CreateFleetCommandOutput> {
  return {
    FleetId: "fleet-1",
    Instances:
      ids.length === 0
        ? []
        : [
            {
              Lifecycle: lifecycle,
              InstanceType: "c7g.large",
              InstanceIds: ids,
              LaunchTemplateAndOverrides: {
                Overrides: { InstanceType: "c7g.large", SubnetId: "subnet-b" },
              },
            },
          ],
    Errors: errors.map((ErrorCode) => ({
      ErrorCode,
      ErrorMessage: "no capacity",
      Lifecycle: lifecycle,
    })),
  };
}

const ec2 = mockClient(EC2Client);
const client = new EC2Client({ region: "us-east-1" });
const compute = () => createEc2Compute({ client, region: "us-east-1", clock: fixedClock(0) });

beforeEach(() => {
  ec2.reset();
  ec2.on(DescribeInstanceTypeOfferingsCommand).resolves({
    InstanceTypeOfferings: ["us-east-1a", "us-east-1b"].flatMap((Location) =>
      ["c7g.large", "m7g.large"].map((InstanceType) => ({
        InstanceType: InstanceType as "c7g.large",
        Location,
      })),
    ),
  });
  ec2.on(CreateTagsCommand).resolves({});
  ec2.on(TerminateInstancesCommand).resolves({});
});

const fleetCalls = () => ec2.commandCalls(CreateFleetCommand).map((c) => c.args[0].input);

describe("EC2 compute: capacity", () => {
  it("no spot capacity: the same slots go on-demand in a second fleet call", async () => {
    ec2
      .on(CreateFleetCommand)
      .resolvesOnce(fleetAnswer("spot", [], ["InsufficientInstanceCapacity"]))
      .resolvesOnce(fleetAnswer("on-demand", ["i-1", "i-2", "i-3"]));
    const result = await compute().launch({ placement: spotPlacement(), slots });
    expect(result.errors).toEqual([]);
    expect(result.instances.map((i) => [i.slotId, i.instanceId, i.market, i.az])).toEqual([
      ["j1", "i-1", "on-demand", "us-east-1b"],
      ["j2", "i-2", "on-demand", "us-east-1b"],
      ["j3", "i-3", "on-demand", "us-east-1b"],
    ]);
    const [spot, od] = fleetCalls();
    expect(spot?.TargetCapacitySpecification?.DefaultTargetCapacityType).toBe("spot");
    expect(od?.TargetCapacitySpecification).toMatchObject({
      TotalTargetCapacity: 3,
      DefaultTargetCapacityType: "on-demand",
    });
    expect(od?.LaunchTemplateConfigs?.[0]?.Overrides).toHaveLength(4);
  });

  it("partial spot capacity: only the unfilled slots go on-demand", async () => {
    ec2
      .on(CreateFleetCommand)
      .resolvesOnce(fleetAnswer("spot", ["i-1"], ["MaxSpotInstanceCountExceeded"]))
      .resolvesOnce(fleetAnswer("on-demand", ["i-2", "i-3"]));
    const result = await compute().launch({ placement: spotPlacement(), slots });
    expect(result.instances.map((i) => [i.slotId, i.market])).toEqual([
      ["j1", "spot"],
      ["j2", "on-demand"],
      ["j3", "on-demand"],
    ]);
    expect(fleetCalls()[1]?.TargetCapacitySpecification?.TotalTargetCapacity).toBe(2);
    // Each instance is re-tagged with its own job after launch.
    const tagged = ec2.commandCalls(CreateTagsCommand).map((c) => c.args[0].input.Resources);
    expect(tagged).toEqual([["i-1"], ["i-2"], ["i-3"]]);
  });

  it("without fallback, unfilled slots get a retryable capacity error", async () => {
    ec2
      .on(CreateFleetCommand)
      .resolves(fleetAnswer("spot", ["i-1"], ["InsufficientInstanceCapacity"]));
    const result = await compute().launch({
      placement: spotPlacement(),
      slots,
      onDemandFallback: false,
    });
    expect(result.instances.map((i) => i.slotId)).toEqual(["j1"]);
    expect(result.errors.map((e) => [e.slotId, e.error.code, e.error.retryable])).toEqual([
      ["j2", "capacity", true],
      ["j3", "capacity", true],
    ]);
    expect(fleetCalls()).toHaveLength(1);
  });

  it("no capacity on either market: every slot says capacity", async () => {
    ec2.on(CreateFleetCommand).resolves(fleetAnswer("spot", [], ["InsufficientInstanceCapacity"]));
    const result = await compute().launch({ placement: spotPlacement(), slots: slots.slice(0, 1) });
    expect(result.errors[0]?.error).toMatchObject({ code: "capacity", retryable: true });
    expect(fleetCalls()).toHaveLength(2);
  });

  it("a capacity error thrown by the call also falls back", async () => {
    ec2
      .on(CreateFleetCommand)
      .rejectsOnce(awsError("InsufficientInstanceCapacity", 400))
      .resolvesOnce(fleetAnswer("on-demand", ["i-9"]));
    const result = await compute().launch({ placement: spotPlacement(), slots: slots.slice(0, 1) });
    expect(result.instances[0]).toMatchObject({ instanceId: "i-9", market: "on-demand" });
  });

  it("instances beyond the slots are terminated, not leaked", async () => {
    ec2.on(CreateFleetCommand).resolves(fleetAnswer("spot", ["i-1", "i-2"]));
    const result = await compute().launch({ placement: spotPlacement(), slots: slots.slice(0, 1) });
    expect(result.instances.map((i) => i.instanceId)).toEqual(["i-1"]);
    const terminated = ec2.commandCalls(TerminateInstancesCommand)[0]?.args[0].input.InstanceIds;
    expect(terminated).toEqual(["i-2"]);
  });
});

describe("EC2 compute: errors", () => {
  it.each([
    ["RequestLimitExceeded", 503, "throttled", true],
    ["InternalError", 500, "aws_unavailable", true],
    ["InvalidLaunchTemplateName.NotFoundException", 400, "ec2_rejected", false],
    ["VcpuLimitExceeded", 400, "quota", true],
  ])(
    "%s (%d) → %s, retryable %s, and no on-demand attempt",
    async (name, status, code, retryable) => {
      ec2.on(CreateFleetCommand).rejects(awsError(name, status));
      const result = await compute().launch({
        placement: spotPlacement(),
        slots: slots.slice(0, 2),
      });
      expect(result.instances).toEqual([]);
      expect(result.errors.map((e) => [e.error.code, e.error.retryable])).toEqual([
        [code, retryable],
        [code, retryable],
      ]);
      expect(fleetCalls()).toHaveLength(1);
    },
  );

  it("launches unfiltered when offerings cannot be read", async () => {
    ec2.on(DescribeInstanceTypeOfferingsCommand).rejects(awsError("RequestLimitExceeded", 503));
    ec2.on(CreateFleetCommand).resolves(fleetAnswer("spot", ["i-1"]));
    const result = await compute().launch({ placement: spotPlacement(), slots: slots.slice(0, 1) });
    expect(result.instances).toHaveLength(1);
    expect(fleetCalls()[0]?.LaunchTemplateConfigs?.[0]?.Overrides).toHaveLength(4);
  });

  it("keeps a launched instance whose tagging failed", async () => {
    ec2.on(CreateFleetCommand).resolves(fleetAnswer("spot", ["i-1"]));
    ec2.on(CreateTagsCommand).rejects(awsError("RequestLimitExceeded", 503));
    const result = await compute().launch({ placement: spotPlacement(), slots: slots.slice(0, 1) });
    expect(result.instances).toHaveLength(1);
    expect(result.errors).toEqual([]);
  });

  it("a network fault is retryable", async () => {
    ec2.on(CreateFleetCommand).rejects(new Error("connect ECONNREFUSED"));
    const result = await compute().launch({ placement: spotPlacement(), slots: slots.slice(0, 1) });
    expect(result.errors[0]?.error).toMatchObject({ code: "aws_unreachable", retryable: true });
  });
});
