/**
 * Several regions on moto (one server holds every region apart): a `region=eu-west-1` job
 * launches there with that region's template and subnets and is ended there by housekeeping; a
 * home region without capacity sends an unpinned job to the next region. moto never reports a
 * capacity shortage, so the home region's client alone is stubbed (aws-sdk-client-mock) for that.
 */
import {
  CreateFleetCommand,
  CreateLaunchTemplateCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypeOfferingsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEc2Compute } from "../../src/control/adapters/aws/ec2-compute.ts";
import { createRegionalCompute } from "../../src/control/adapters/aws/ec2-compute-regions.ts";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { createMemoryCircuitStore } from "../../src/control/adapters/memory/circuit-store.ts";
import { createMemoryLockStore } from "../../src/control/adapters/memory/lock-store.ts";
import { FleetTag, type LaunchSlot } from "../../src/control/domain/launch-slot.ts";
import type { PlacementConfig } from "../../src/control/domain/placement-config.ts";
import type { Compute, LaunchedInstance } from "../../src/control/ports/compute.ts";
import type { InstanceStore } from "../../src/control/ports/instance-store.ts";
import { createCircuitService } from "../../src/control/services/common/circuits.ts";
import { housekeepingConfig } from "../../src/control/services/housekeeping/config.ts";
import { taskContext } from "../../src/control/services/housekeeping/deps.ts";
import { orphans } from "../../src/control/services/housekeeping/orphans.ts";
import { createBatchLauncher } from "../../src/control/services/scheduling/batch-launcher.ts";
import { launchJob } from "../../src/control/services/scheduling/launch-step.ts";
import {
  createRegionHealth,
  regionCircuitConfig,
} from "../../src/control/services/scheduling/region-health.ts";
import { schedulingHarness, soon } from "../../src/control/services/scheduling/test-harness.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { defaultSpec } from "../support/jobs.ts";
import { type Moto, motoAvailable, startMoto, testCredentials } from "../support/moto.ts";

const home = "us-east-1";
const eu = "eu-west-1";

/** A VPC, two subnets and an arm64 launch template in `region`, as the regional stack makes. */
async function regionalNetwork(client: EC2Client, region: string, env: string) {
  const vpc = await client.send(new CreateVpcCommand({ CidrBlock: "10.1.0.0/16" }));
  const subnets = [];
  for (const [i, zone] of ["a", "b"].entries()) {
    const az = `${region}${zone}`;
    const s = await client.send(
      new CreateSubnetCommand({
        VpcId: vpc.Vpc!.VpcId!,
        CidrBlock: `10.1.${i}.0/24`,
        AvailabilityZone: az,
      }),
    );
    subnets.push({ subnetId: s.Subnet!.SubnetId!, az });
  }
  const images = await client.send(new DescribeImagesCommand({ Owners: ["amazon"] }));
  const lt = await client.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: `runs-fleet-linux-arm64-${env}`,
      LaunchTemplateData: { ImageId: images.Images![0]!.ImageId!, InstanceType: "t4g.micro" },
    }),
  );
  return {
    launchTemplates: {
      [`linux-arm64@${env}`]: { name: lt.LaunchTemplate!.LaunchTemplateName!, version: "$Default" },
    },
    subnets: { [env]: subnets },
  };
}

describe.skipIf(!motoAvailable)("several regions on moto", () => {
  let moto: Moto;
  let clients: Map<string, EC2Client>;
  let placement: PlacementConfig;

  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    for (const c of clients?.values() ?? []) c.destroy();
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
    for (const c of clients?.values() ?? []) c.destroy();
    clients = new Map(
      [home, eu].map((region) => [
        region,
        new EC2Client({ region, endpoint: moto.endpoint, credentials: testCredentials }),
      ]),
    );
    const homeNet = await regionalNetwork(clients.get(home)!, home, "dev");
    const euNet = await regionalNetwork(clients.get(eu)!, eu, "dev");
    placement = {
      region: home,
      ...homeNet,
      regions: { [eu]: euNet },
      defaultDiskGiB: { linux: 40, windows: 80 },
      maxInstanceTypes: 20,
      maxOverrides: 60,
    };
  });

  /** The regional compute as the AWS entry builds it: one compute per region's client. */
  function regionalCompute(instances: Pick<InstanceStore, "get">): Compute {
    const computes = new Map(
      [...clients].map(([region, client]) => [
        region,
        createEc2Compute({ client, region, clock: fixedClock(0) }),
      ]),
    );
    return createRegionalCompute({
      home,
      regions: computes,
      async locate(ids) {
        const found = await Promise.all(ids.map((id) => instances.get(id)));
        return new Map(found.flatMap((r) => (r ? [[r.instanceId, r.region] as const] : [])));
      },
    });
  }

  /** The scheduling harness launching through the regional compute, with region health. */
  function scheduling() {
    const h = schedulingHarness();
    const compute = regionalCompute(h.deps.instances);
    const deps = {
      ...h.deps,
      placement,
      launcher: createBatchLauncher<LaunchSlot, LaunchedInstance>({
        launch: (request) => compute.launch(request),
        schedule: soon,
      }),
      regions: createRegionHealth({
        circuits: createCircuitService({
          store: createMemoryCircuitStore(),
          clock: h.clock,
          config: regionCircuitConfig,
          cacheTtlMs: 0,
        }),
      }),
    };
    return { h, deps };
  }

  const describeIn = async (region: string, id: string) => {
    const res = await clients.get(region)!.send(new DescribeInstancesCommand({}));
    return res.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === id);
  };

  it("a region=eu-west-1 job launches there, in its subnets, and housekeeping ends it there", async () => {
    const { h, deps } = scheduling();
    const spec = { ...defaultSpec, arch: "arm64" as const, region: eu, env: "dev" };
    const job = await h.addJob({ jobId: "700", spec });
    expect((await launchJob(deps, await h.claim(job))).outcome).toBe("launched");

    const launched = await h.deps.jobs.get("700");
    const id = launched!.instanceId!;
    expect((await h.deps.instances.get(id))?.region).toBe(eu);
    expect(await describeIn(home, id)).toBeUndefined();
    const there = await describeIn(eu, id);
    const euSubnets = placement.regions[eu]!.subnets.dev!.map((s) => s.subnetId);
    expect(euSubnets).toContain(there?.SubnetId);
    expect(there?.Placement?.AvailabilityZone).toMatch(/^eu-west-1[ab]$/);
    const tags = Object.fromEntries((there?.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(tags).toMatchObject({ [FleetTag.env]: "dev", [FleetTag.jobId]: "700" });

    // The job ends; a housekeeping replica that never launched anything finds the machine in
    // eu-west-1 by listing every region and terminates it there.
    await h.deps.jobs.transition("700", {
      from: "launched",
      to: "completed",
      expectedVersion: launched!.version,
    });
    const sweeper = regionalCompute(h.deps.instances);
    const later = fixedClock(Date.now() + 24 * 3_600_000);
    const ctx = taskContext(
      {
        ...h.deps,
        compute: sweeper,
        locks: createMemoryLockStore({ clock: later }),
        github: { jobStatus: async () => "completed", removeRunner: async () => "removed" },
        clock: later,
        logger: silentLogger,
        config: housekeepingConfig(),
      },
      "orphans",
      Number.POSITIVE_INFINITY,
    );
    const report = await orphans(ctx);
    expect(report.errors ?? 0).toBe(0);
    expect((await describeIn(eu, id))?.State?.Name).toMatch(/^(shutting-down|terminated)$/);
  });

  it("no capacity in the home region: an unpinned job launches in eu-west-1 on its next try", async () => {
    const homeClient = clients.get(home)!;
    const stub = mockClient(homeClient);
    try {
      stub.on(DescribeInstanceTypeOfferingsCommand).resolves({
        InstanceTypeOfferings: [`${home}a`, `${home}b`].map((Location) => ({
          InstanceType: "c7g.large",
          Location,
        })),
      });
      stub.on(CreateFleetCommand).resolves({
        Instances: [],
        Errors: [{ ErrorCode: "InsufficientInstanceCapacity", ErrorMessage: "none left" }],
      });
      const { h, deps } = scheduling();
      const spec = { ...defaultSpec, arch: "arm64" as const, env: "dev" };
      const job = await h.addJob({ jobId: "800", spec });
      expect((await launchJob(deps, await h.claim(job))).outcome).toBe("retry");
      // Spot, then on-demand: both markets said no.
      expect(stub.commandCalls(CreateFleetCommand)).toHaveLength(2);
      const back = await h.deps.jobs.get("800");
      expect((await launchJob(deps, await h.claim(back!))).outcome).toBe("launched");
      const id = (await h.deps.jobs.get("800"))!.instanceId!;
      expect((await describeIn(eu, id))?.InstanceId).toBe(id);
      expect((await h.deps.instances.get(id))?.region).toBe(eu);
    } finally {
      stub.restore();
    }
  });
});
