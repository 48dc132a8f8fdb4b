import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateLaunchTemplateCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { GetParameterCommand, ListTagsForResourceCommand, SSMClient } from "@aws-sdk/client-ssm";
import { createSsmRunnerConfigStore } from "../../src/control/adapters/aws/ssm-runner-config-store.ts";
import { FleetTag } from "../../src/control/domain/launch-slot.ts";
import { runnerConfigParameterNames } from "../../src/shared/runner-config.ts";
import { ADMIN_TOKEN, WEBHOOK_SECRET } from "../support/app.ts";
import { awsFleetFileFor, githubApp } from "../support/aws-mode.ts";
import { startBackends } from "../support/control-plane.ts";
import { startFakeGitHub } from "../support/fake-github.ts";
import { startMoto, testCredentials } from "../support/moto.ts";

/** The installation of GitHub's example `workflow_job` payloads (Codertocat/Hello-World). */
const exampleInstallation = { id: 3456996, owner: "Codertocat" };

/** A VPC with a subnet in us-east-1a and one in 1b, and the Linux launch templates, by name. */
async function createPlacement(ec2: EC2Client) {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.1.0.0/16" }));
  const subnets = [];
  for (const [i, az] of ["us-east-1a", "us-east-1b"].entries()) {
    const s = await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpc.Vpc?.VpcId,
        CidrBlock: `10.1.${i}.0/24`,
        AvailabilityZone: az,
      }),
    );
    subnets.push({ subnetId: s.Subnet?.SubnetId ?? "", az });
  }
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"] }));
  const imageId = images.Images?.[0]?.ImageId;
  if (!imageId) throw new Error("moto lists no AMI");
  const templates = { linuxArm64: "runs-fleet-linux-arm64", linuxAmd64: "runs-fleet-linux-amd64" };
  for (const name of Object.values(templates))
    await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: name,
        LaunchTemplateData: { ImageId: imageId },
      }),
    );
  return { subnets, templates };
}

/**
 * What AWS mode runs against in these smoke tests: moto for EC2 and SSM (launch templates and
 * subnets created), dynalite and fauxqs with the tables and queues, and the fake GitHub with an
 * App installed on the example payloads' repository. `env()` is a control plane's environment.
 */
export async function startAwsEnvironment() {
  const moto = await startMoto();
  const clientOptions = {
    endpoint: moto.endpoint,
    region: "us-east-1",
    credentials: testCredentials,
  };
  const ec2 = new EC2Client(clientOptions);
  const ssm = new SSMClient(clientOptions);
  const b = await startBackends();
  const github = await startFakeGitHub();
  const app = githubApp();
  github.addApp(app.appId, app.key.publicKey);
  github.addInstallation({ ...exampleInstallation, appId: app.appId });
  const dir = await mkdtemp(join(tmpdir(), "runs-fleet-runtime-"));
  const configFile = join(dir, "fleet.yaml");
  await writeFile(configFile, awsFleetFileFor(await createPlacement(ec2)));
  const queues = {
    RUNS_FLEET_JOB_QUEUE_URL: b.newQueue(),
    RUNS_FLEET_EVENTS_QUEUE_URL: b.newQueue("events"),
    RUNS_FLEET_EC2_EVENTS_QUEUE_URL: b.newQueue("ec2-events"),
  };
  const runnerConfigs = createSsmRunnerConfigStore({ client: ssm });

  return {
    b,
    github,
    ec2,
    ssm,
    /** The environment of an AWS-mode control plane on these services. */
    env(overrides: Record<string, string> = {}): Record<string, string> {
      return {
        RUNS_FLEET_MODE: "aws",
        HOST: "127.0.0.1",
        PORT: "0",
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        RUNS_FLEET_DYNAMODB_ENDPOINT: b.db.endpoint,
        RUNS_FLEET_SQS_ENDPOINT: b.sqs.endpoint,
        RUNS_FLEET_EC2_ENDPOINT: moto.endpoint,
        RUNS_FLEET_SSM_ENDPOINT: moto.endpoint,
        RUNS_FLEET_TABLE_PREFIX: b.prefix,
        ...queues,
        RUNS_FLEET_WEBHOOK_SECRET: WEBHOOK_SECRET,
        RUNS_FLEET_ADMIN_TOKEN: ADMIN_TOKEN,
        RUNS_FLEET_CONFIG_FILE: configFile,
        RUNS_FLEET_GITHUB_API_URL: github.url,
        RUNS_FLEET_RUNNER_ROLE_ID: "AROAEXAMPLERUNNERROLE",
        RUNS_FLEET_METRICS: "off",
        ...app.env,
        ...overrides,
      };
    },
    /** Instances moto holds that carry `jobId`'s tag, with their tags. */
    async instancesOf(jobId: string) {
      const out = await ec2.send(
        new DescribeInstancesCommand({
          Filters: [{ Name: `tag:${FleetTag.jobId}`, Values: [jobId] }],
        }),
      );
      return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
    },
    /** The runner config stored in SSM (moto) for an instance, or null. */
    runnerConfigOf: (instanceId: string) => runnerConfigs.get(instanceId),
    /** The type and tags of the SSM parameter that holds an instance's runner config. */
    async parameterOf(instanceId: string) {
      const name = runnerConfigParameterNames(instanceId).first;
      const got = await ssm.send(new GetParameterCommand({ Name: name }));
      const tags = await ssm.send(
        new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: name }),
      );
      return {
        type: got.Parameter?.Type,
        tags: Object.fromEntries((tags.TagList ?? []).map((t) => [t.Key, t.Value])),
      };
    },
    async stop() {
      ec2.destroy();
      ssm.destroy();
      await github.stop();
      await b.stop();
      await moto.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
export type AwsEnvironment = Awaited<ReturnType<typeof startAwsEnvironment>>;
