import { describe, expect, it } from "vitest";
import { lambdaBundleName, lambdaConfigName } from "../../deploy/build-lambda.ts";
import { readTemplate } from "../../deploy/cfn-yaml.ts";
import { circuitsTtlAttribute } from "../../src/control/adapters/aws/dynamo-circuit-store.ts";
import { tableNames } from "../../src/control/adapters/aws/tables.ts";
import { Ec2EventSchema } from "../../src/control/domain/ec2-events.ts";
import { FleetTag } from "../../src/control/domain/launch-slot.ts";
import { tableDefinitions } from "../../src/control/entry/store-ports.ts";
import { condition, evaluate } from "./cfn-eval.ts";

const template = readTemplate();
const ctx = {
  template,
  parameters: {
    VpcId: "vpc-0123",
    GitHubAppId: "12345",
    GitHubPrivateKeySecret: "runs-fleet/app-key",
    WebhookSecretSecret: "runs-fleet/webhook-secret",
    AdminTokenSecret: "runs-fleet/admin-token",
    CodeBucket: "code-bucket",
    CodeKey: "runs-fleet/lambda.zip",
    ArtifactBucket: "artifact-bucket",
    LinuxAmd64Image: "ami-0123456789abcdef0",
    LinuxArm64Image: "/runs-fleet/ami/linux-arm64",
    WindowsAmd64Image: "ami-0fedcba9876543210",
  },
};
const prefix = String(template.Parameters.Prefix?.Default);

const ofType = (type: string) =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === type);
type Props = Record<string, unknown>;
const props = (id: string): Props => {
  const r = template.Resources[id];
  if (!r) throw new Error(`no resource ${id}`);
  return evaluate(ctx, r.Properties) as Props;
};
const withId = (id: string): Props & { id: string } => ({ ...props(id), id });
const sortBy = <T>(xs: readonly T[], key: (x: T) => string) =>
  [...xs].sort((a, b) => key(a).localeCompare(key(b)));

describe("the CloudFormation template: tables", () => {
  const deployed = ofType("AWS::DynamoDB::Table").map(([id]) => props(id));
  const expected = tableDefinitions(tableNames(prefix));

  it("has exactly the tables the control plane uses, with its names", () => {
    expect(deployed.map((t) => t.TableName).sort()).toEqual(
      expected.map((t) => t.TableName).sort(),
    );
  });

  it.each(expected.map((d) => [d.TableName, d] as const))(
    "%s has the code's key schema, attributes and indexes, on-demand",
    (name, def) => {
      const t = deployed.find((x) => x.TableName === name)!;
      expect(t.BillingMode).toBe(def.BillingMode);
      expect(t.KeySchema).toEqual(def.KeySchema);
      const attr = (a: { AttributeName?: string | undefined }) => a.AttributeName ?? "";
      expect(sortBy(t.AttributeDefinitions as { AttributeName: string }[], attr)).toEqual(
        sortBy(def.AttributeDefinitions ?? [], attr),
      );
      const index = (i: { IndexName?: string | undefined }) => i.IndexName ?? "";
      expect(sortBy((t.GlobalSecondaryIndexes ?? []) as { IndexName: string }[], index)).toEqual(
        sortBy(def.GlobalSecondaryIndexes ?? [], index),
      );
    },
  );

  it("expires items by `expiresAt` and keeps point-in-time recovery on every table", () => {
    expect(circuitsTtlAttribute).toBe("expiresAt");
    for (const t of deployed) {
      expect(t.TimeToLiveSpecification).toEqual({ AttributeName: "expiresAt", Enabled: true });
      expect(t.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
  });
});

describe("the CloudFormation template: queues and events", () => {
  const fn = props("ControlPlaneFunction");

  it.each([
    ["JobQueue", "JobDeadLetterQueue"],
    ["EventsQueue", "EventsDeadLetterQueue"],
    ["Ec2EventsQueue", "Ec2EventsDeadLetterQueue"],
  ])("%s redrives to %s after 5 receives and outlasts six function timeouts", (queue, dlq) => {
    const q = props(queue);
    expect(q.RedrivePolicy).toEqual({
      deadLetterTargetArn: evaluate(ctx, { "Fn::GetAtt": [dlq, "Arn"] }),
      maxReceiveCount: 5,
    });
    expect(Number(q.VisibilityTimeout)).toBeGreaterThanOrEqual(6 * Number(fn.Timeout));
    expect(props(dlq).MessageRetentionPeriod).toBe(1209600);
  });

  it("sends each EC2 event the consumer understands to the EC2 events queue only", () => {
    const understood = Ec2EventSchema.options.map((o) => o.entries["detail-type"].literal);
    const rules = ofType("AWS::Events::Rule")
      .map(([id]) => withId(id))
      .filter((r) => r.EventPattern);
    const sent = rules.flatMap(
      (r) => (r.EventPattern as { "detail-type": string[] })["detail-type"],
    );
    expect(sent.sort()).toEqual([...understood].sort());
    const queueArn = evaluate(ctx, { "Fn::GetAtt": ["Ec2EventsQueue", "Arn"] });
    for (const r of rules) {
      expect((r.EventPattern as { source: string[] }).source).toEqual(["aws.ec2"]);
      expect(r.Targets).toEqual([expect.objectContaining({ Arn: queueArn })]);
    }
    const ruleArns = rules.map((r) => evaluate(ctx, { "Fn::GetAtt": [r.id, "Arn"] }));
    const queuePolicies = ofType("AWS::SQS::QueuePolicy").map(([id]) => props(id));
    // Only the EC2 events queue has one: the agent events queue takes no service's messages.
    expect(queuePolicies.map((p) => p.Queues)).toEqual([
      [evaluate(ctx, { Ref: "Ec2EventsQueue" })],
    ]);
    const policy = queuePolicies[0]?.PolicyDocument as {
      Statement: {
        Effect: string;
        Principal: unknown;
        Action: string;
        Resource: string;
        Condition: unknown;
      }[];
    };
    const controlPlaneRole = `arn:aws:iam::123456789012:role/${prefix}control-plane`;
    expect(policy.Statement).toEqual([
      {
        Sid: expect.any(String),
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": ruleArns } },
      },
      {
        Sid: expect.any(String),
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: {
          ArnNotEquals: { "aws:SourceArn": ruleArns, "aws:PrincipalArn": controlPlaneRole },
        },
      },
    ]);
    expect(controlPlaneRole).toBe(
      `arn:aws:iam::123456789012:role/${String(props("ControlPlaneRole").RoleName)}`,
    );
  });

  it("keeps the state changes the events consumer acts on", () => {
    const rule = props("StateChangeRule").EventPattern as { detail: { state: string[] } };
    expect(rule.detail.state.sort()).toEqual(
      ["shutting-down", "stopped", "stopping", "terminated"].sort(),
    );
  });

  it("maps the job, agent events and EC2 events queues to the function with partial batch failures", () => {
    const mappings = ofType("AWS::Lambda::EventSourceMapping").map(([id]) => props(id));
    expect(mappings.map((m) => m.EventSourceArn).sort()).toEqual(
      [
        evaluate(ctx, { "Fn::GetAtt": ["EventsQueue", "Arn"] }),
        evaluate(ctx, { "Fn::GetAtt": ["Ec2EventsQueue", "Arn"] }),
        evaluate(ctx, { "Fn::GetAtt": ["JobQueue", "Arn"] }),
      ].sort(),
    );
    for (const m of mappings) {
      expect(m.FunctionResponseTypes).toEqual(["ReportBatchItemFailures"]);
      expect(m.FunctionName).toBe("<ControlPlaneFunction>");
    }
  });

  it("ticks the function every minute, as a scheduled event the handler recognises", () => {
    const schedule = props("HousekeepingSchedule");
    expect(schedule.ScheduleExpression).toBe("rate(1 minute)");
    expect(schedule.Targets).toEqual([
      expect.objectContaining({ Arn: "<ControlPlaneFunction.Arn>" }),
    ]);
    expect(props("HousekeepingPermission")).toMatchObject({
      Principal: "events.amazonaws.com",
      Action: "lambda:InvokeFunction",
    });
  });
});

describe("the CloudFormation template: the function", () => {
  const fn = props("ControlPlaneFunction");

  it("runs the bundle deploy/build-lambda.ts makes, on Node 22, with the packaged config", () => {
    expect(fn.Runtime).toBe("nodejs22.x");
    expect(fn.Handler).toBe(`${lambdaBundleName.replace(/\.mjs$/, "")}.handler`);
    const env = (fn.Environment as { Variables: Record<string, string> }).Variables;
    expect(env.RUNS_FLEET_CONFIG_FILE).toBe(`/var/task/${lambdaConfigName}`);
  });

  it("is public through its URL (the webhook is signed, the admin API has a token)", () => {
    expect(props("FunctionUrl").AuthType).toBe("NONE");
    const perms = ofType("AWS::Lambda::Permission").map(([id]) => props(id));
    expect(perms).toContainEqual(
      expect.objectContaining({ Action: "lambda:InvokeFunctionUrl", FunctionUrlAuthType: "NONE" }),
    );
    expect(perms).toContainEqual(
      expect.objectContaining({
        Action: "lambda:InvokeFunction",
        Principal: "*",
        InvokedViaFunctionUrl: true,
      }),
    );
  });
});

describe("the CloudFormation template: runners", () => {
  const templates = ofType("AWS::EC2::LaunchTemplate").map(([id]) => withId(id));

  it("has one launch template per OS and architecture", () => {
    expect(templates.map((t) => t.LaunchTemplateName).sort()).toEqual(
      ["linux-amd64", "linux-arm64", "windows-amd64"].map((k) => `${prefix}${k}`),
    );
  });

  it.each(templates.map((t) => [t.id, t] as const))(
    "%s: IMDSv2 only, tags in IMDS, terminate on shutdown, encrypted gp3 root",
    (_, t) => {
      const data = t.LaunchTemplateData as Record<string, unknown>;
      expect(data.MetadataOptions).toMatchObject({
        HttpEndpoint: "enabled",
        HttpTokens: "required",
        InstanceMetadataTags: "enabled",
      });
      expect(data.InstanceInitiatedShutdownBehavior).toBe("terminate");
      expect(data.IamInstanceProfile).toEqual({ Arn: "<RunnerInstanceProfile.Arn>" });
      expect(data.SecurityGroupIds).toEqual(["<RunnerSecurityGroup>"]);
      expect(data.BlockDeviceMappings).toEqual([
        {
          DeviceName: expect.stringMatching(/^\/dev\//),
          Ebs: expect.objectContaining({ VolumeType: "gp3", Encrypted: true }),
        },
      ]);
      // The control plane's launch policy only uses templates tagged as ours.
      expect(t.TagSpecifications).toEqual([
        { ResourceType: "launch-template", Tags: [{ Key: FleetTag.managed, Value: "true" }] },
      ]);
    },
  );

  it("takes an AMI id as is and an SSM parameter name through a dynamic reference", () => {
    const image = (id: string) =>
      (templates.find((t) => t.id === id)!.LaunchTemplateData as { ImageId: string }).ImageId;
    expect(image("LinuxAmd64LaunchTemplate")).toBe("ami-0123456789abcdef0");
    expect(image("LinuxArm64LaunchTemplate")).toBe("{{resolve:ssm:/runs-fleet/ami/linux-arm64}}");
  });

  it("leaves out the launch templates whose AMI is not given", () => {
    const some = {
      ...ctx,
      parameters: { ...ctx.parameters, LinuxArm64Image: "", WindowsAmd64Image: "" },
    };
    const made = ofType("AWS::EC2::LaunchTemplate").filter(
      ([, r]) => !r.Condition || condition(some, r.Condition),
    );
    expect(made.map(([id]) => id)).toEqual(["LinuxAmd64LaunchTemplate"]);
  });

  it("lets nothing connect to a runner", () => {
    const sg = props("RunnerSecurityGroup");
    expect(sg.SecurityGroupIngress).toBeUndefined();
    expect(sg.SecurityGroupEgress).toHaveLength(2);
  });

  it("gives the instance profile the runner role", () => {
    expect(props("RunnerInstanceProfile").Roles).toEqual(["<RunnerRole>"]);
  });
});

describe("the CloudFormation template: outputs", () => {
  it("names the webhook URL and everything the config file and operators need", () => {
    const outputs = evaluate(ctx, template.Outputs) as Record<string, { Value: string }>;
    expect(outputs.WebhookUrl?.Value).toBe(
      "https://abcdefghijklmnop.lambda-url.us-east-1.on.aws/webhook",
    );
    for (const name of [
      "FunctionUrl",
      "JobQueueUrl",
      "EventsQueueUrl",
      "Ec2EventsQueueUrl",
      "TablePrefix",
      "RunnerRoleId",
    ])
      expect(outputs[name]?.Value, name).toBeTruthy();
    expect(outputs.PlacementYaml?.Value).toContain(`linux-amd64: { name: ${prefix}linux-amd64`);
  });

  it("describes every parameter that has no default", () => {
    for (const [name, p] of Object.entries(template.Parameters)) {
      if (p.Default === undefined) expect(p.Description, name).toEqual(expect.any(String));
    }
  });
});
