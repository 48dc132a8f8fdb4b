import {
  CreateLaunchTemplateCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import * as v from "valibot";
import {
  type PlacementConfig,
  PlacementConfigSchema,
} from "../../src/control/domain/placement-config.ts";
import { testCredentials } from "../support/moto.ts";

/** An EC2 client on moto that records every command input it sends, by command name. */
export function recordingClient(endpoint: string) {
  const client = new EC2Client({ endpoint, region: "us-east-1", credentials: testCredentials });
  const sent: { command: string; input: unknown }[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({ command: String(context.commandName), input: args.input });
      return next(args);
    },
    { step: "initialize", name: "recordCommands" },
  );
  return { client, sent };
}

/** A VPC with subnets in us-east-1a, 1b and 1e (1e offers none of the current families). */
export async function createNetwork(client: EC2Client) {
  const vpc = await client.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }));
  const vpcId = vpc.Vpc!.VpcId!;
  const subnets = [];
  for (const [i, az] of ["us-east-1a", "us-east-1b", "us-east-1e"].entries()) {
    const s = await client.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: az }),
    );
    subnets.push({ subnetId: s.Subnet!.SubnetId!, az });
  }
  return subnets;
}

/** Launch templates for linux-arm64 (by name) and linux-amd64 (by id), on an AMI moto knows. */
export async function createTemplates(client: EC2Client) {
  const images = await client.send(new DescribeImagesCommand({ Owners: ["amazon"] }));
  const imageId = images.Images?.[0]?.ImageId;
  if (!imageId) throw new Error("moto lists no AMI");
  const arm = await client.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: "runs-fleet-linux-arm64",
      LaunchTemplateData: { ImageId: imageId, InstanceType: "t4g.micro" },
    }),
  );
  const amd = await client.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: "runs-fleet-linux-amd64",
      LaunchTemplateData: { ImageId: imageId, InstanceType: "t3.micro" },
    }),
  );
  return {
    arm: arm.LaunchTemplate!.LaunchTemplateName!,
    amdId: amd.LaunchTemplate!.LaunchTemplateId!,
  };
}

/** A placement config over the network and templates made above. */
export function placementConfig(
  subnets: { subnetId: string; az: string }[],
  templates: { arm: string; amdId: string },
): PlacementConfig {
  return v.parse(PlacementConfigSchema, {
    region: "us-east-1",
    launchTemplates: {
      "linux-arm64": { name: templates.arm },
      "linux-amd64": { id: templates.amdId, version: "$Latest" },
    },
    subnets: { default: subnets },
  });
}
