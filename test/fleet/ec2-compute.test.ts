import type { CreateFleetCommandInput, EC2Client } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEc2Compute } from "../../src/control/adapters/aws/ec2-compute.ts";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { ValidationError } from "../../src/control/domain/errors.ts";
import { defaultSpec } from "../../src/control/domain/labels-types.ts";
import { FleetTag, jobSlot, type LaunchSlot } from "../../src/control/domain/launch-slot.ts";
import { type Placement, place } from "../../src/control/domain/placement.ts";
import type { PlacementConfig } from "../../src/control/domain/placement-config.ts";
import type { Spec } from "../../src/control/domain/spec.ts";
import type { Compute, LaunchedInstance } from "../../src/control/ports/compute.ts";
import { createBatchLauncher } from "../../src/control/services/scheduling/batch-launcher.ts";
import { type Moto, motoAvailable, startMoto } from "../support/moto.ts";
import { createNetwork, createTemplates, placementConfig, recordingClient } from "./ec2-setup.ts";

/** A bare `runs-fleet` label's spec, on arm64. */
const spec: Spec = { ...defaultSpec(), arch: "arm64" };

function placementFor(config: PlacementConfig, patch: Partial<Spec>, types: string[]): Placement {
  const s = { ...spec, ...patch };
  const r = place({
    spec: s,
    candidates: types.map((instanceType) => ({
      instanceType,
      vcpu: 2,
      memoryGiB: 4,
      arch: s.arch ?? "arm64",
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

const job = (n: number) => jobSlot({ jobId: `${1000 + n}`, runId: "77", repo: "acme/app" });

describe.skipIf(!motoAvailable)("EC2 compute on moto", () => {
  let moto: Moto;
  let client: EC2Client;
  let sent: { command: string; input: unknown }[];
  let config: PlacementConfig;
  let compute: Compute;

  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
    client?.destroy();
    ({ client, sent } = recordingClient(moto.endpoint));
    const subnets = await createNetwork(client);
    config = placementConfig(subnets, await createTemplates(client));
    compute = createEc2Compute({ client, region: "us-east-1", clock: fixedClock(0) });
    sent.length = 0;
  });

  const fleetInputs = () =>
    sent
      .filter((s) => s.command === "CreateFleetCommand")
      .map((s) => s.input as CreateFleetCommandInput);

  it("launches n spot instances in one instant fleet and tags each with its own job", async () => {
    const p = placementFor(config, { pool: null }, ["c7g.large", "m7g.large"]);
    const result = await compute.launch({ placement: p, slots: [job(1), job(2), job(3)] });
    expect(result.errors).toEqual([]);
    expect(result.instances.map((i) => i.slotId)).toEqual(["1001", "1002", "1003"]);
    for (const i of result.instances) {
      expect(i).toMatchObject({ market: "spot", instanceType: "c7g.large" });
      expect(config.subnets.default?.map((s) => s.subnetId)).toContain(i.subnetId);
      expect(i.az).toMatch(/^us-east-1[ab]$/);
    }

    const [input, ...more] = fleetInputs();
    expect(more).toEqual([]);
    expect(input).toMatchObject({
      Type: "instant",
      TargetCapacitySpecification: { TotalTargetCapacity: 3, DefaultTargetCapacityType: "spot" },
      SpotOptions: { AllocationStrategy: "price-capacity-optimized" },
      LaunchTemplateConfigs: [
        { LaunchTemplateSpecification: { LaunchTemplateName: "runs-fleet-linux-arm64" } },
      ],
    });
    // us-east-1e offers neither type, so two types × two subnets remain.
    const overrides = input?.LaunchTemplateConfigs?.[0]?.Overrides ?? [];
    expect(overrides.map((o) => `${o.InstanceType}@${o.SubnetId}`)).toEqual([
      `c7g.large@${config.subnets.default?.[0]?.subnetId}`,
      `c7g.large@${config.subnets.default?.[1]?.subnetId}`,
      `m7g.large@${config.subnets.default?.[0]?.subnetId}`,
      `m7g.large@${config.subnets.default?.[1]?.subnetId}`,
    ]);
    expect(overrides[0]?.BlockDeviceMappings).toEqual([
      {
        DeviceName: "/dev/xvda",
        Ebs: { VolumeSize: 40, VolumeType: "gp3", Encrypted: true, DeleteOnTermination: true },
      },
    ]);

    const second = await compute.describe({ tags: { [FleetTag.jobId]: "1002" } });
    expect(second).toHaveLength(1);
    expect(second[0]).toMatchObject({
      instanceId: result.instances[1]?.instanceId,
      market: "spot",
      tags: {
        [FleetTag.managed]: "true",
        [FleetTag.env]: "default",
        [FleetTag.jobId]: "1002",
        [FleetTag.runId]: "77",
        [FleetTag.repo]: "acme/app",
      },
    });
    expect(await compute.describe({ tags: { [FleetTag.repo]: "acme/app" } })).toHaveLength(3);
  });

  it("launches on-demand, prioritized, with the pool tag and the label's disk", async () => {
    const p = placementFor(config, { arch: "amd64", pool: "warm", diskGiB: 120 }, [
      "c7i.large",
      "m7i.large",
    ]);
    expect(p.market).toBe("on-demand");
    const result = await compute.launch({ placement: p, slots: [job(9)] });
    expect(result.instances).toEqual([
      expect.objectContaining({ slotId: "1009", market: "on-demand" }),
    ]);
    const input = fleetInputs()[0];
    expect(input).toMatchObject({
      TargetCapacitySpecification: {
        TotalTargetCapacity: 1,
        DefaultTargetCapacityType: "on-demand",
      },
      OnDemandOptions: { AllocationStrategy: "prioritized" },
      LaunchTemplateConfigs: [
        {
          LaunchTemplateSpecification: {
            LaunchTemplateId: p.launchTemplate.id,
            Version: "$Latest",
          },
        },
      ],
    });
    const overrides = input?.LaunchTemplateConfigs?.[0]?.Overrides ?? [];
    expect(overrides.map((o) => [o.InstanceType, o.Priority])).toEqual([
      ["c7i.large", 0],
      ["c7i.large", 0],
      ["m7i.large", 1],
      ["m7i.large", 1],
    ]);
    expect(overrides[0]?.BlockDeviceMappings?.[0]?.Ebs?.VolumeSize).toBe(120);
    const [info] = await compute.describe({ tags: { [FleetTag.pool]: "warm" } });
    expect(info).toMatchObject({
      market: "on-demand",
      state: "running",
      instanceType: "c7i.large",
    });
  });

  it("caches instance type offerings", async () => {
    const p = placementFor(config, {}, ["c7g.large"]);
    await compute.launch({ placement: p, slots: [job(1)] });
    await compute.launch({ placement: p, slots: [job(2)] });
    expect(sent.filter((s) => s.command === "DescribeInstanceTypeOfferingsCommand")).toHaveLength(
      1,
    );
  });

  it("refuses types no zone of the region offers, without calling CreateFleet", async () => {
    const p = placementFor(config, {}, ["c99g.large"]);
    const result = await compute.launch({ placement: p, slots: [job(1)] });
    expect(result.instances).toEqual([]);
    expect(result.errors[0]?.error).toMatchObject({ code: "no_offerings", retryable: false });
    expect(fleetInputs()).toEqual([]);
  });

  it("stops, starts, terminates, and filters by state", async () => {
    const p = placementFor(config, { spot: false }, ["m7g.large"]);
    const { instances } = await compute.launch({ placement: p, slots: [job(1), job(2)] });
    const [a, b] = instances.map((i) => i.instanceId) as [string, string];
    await compute.stop([a]);
    const stopped = await compute.describe({
      tags: { [FleetTag.managed]: "true" },
      states: ["stopped"],
    });
    expect(stopped.map((i) => i.instanceId)).toEqual([a]);
    await compute.start([a]);
    const running = await compute.describe({ instanceIds: [a, b], states: ["running", "pending"] });
    expect(running.map((i) => i.instanceId).sort()).toEqual([a, b].sort());

    await compute.terminate([a, "i-0123456789abcdef0"]);
    const gone = await compute.describe({ states: ["terminated", "shutting-down"] });
    expect(gone.map((i) => i.instanceId)).toEqual([a]);
  });

  it("batches a burst of jobs into one fleet call and hands each job its instance", async () => {
    const launcher = createBatchLauncher<LaunchSlot, LaunchedInstance>({
      launch: (r) => compute.launch(r),
      windowMs: 60_000,
    });
    const p = placementFor(config, {}, ["c8g.large"]);
    const waiting = [1, 2, 3, 4, 5].map((n) => launcher.launch(p, job(n)));
    await launcher.flush();
    const instances = await Promise.all(waiting);
    expect(fleetInputs().map((i) => i.TargetCapacitySpecification?.TotalTargetCapacity)).toEqual([
      5,
    ]);
    for (const [n, instance] of instances.entries()) {
      const [info] = await compute.describe({ instanceIds: [instance.instanceId] });
      expect(info?.tags[FleetTag.jobId]).toBe(`${1001 + n}`);
    }
  });

  it("refuses a placement for another region", async () => {
    const p = { ...placementFor(config, {}, ["c7g.large"]), region: "eu-west-1" };
    await expect(compute.launch({ placement: p, slots: [job(1)] })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
