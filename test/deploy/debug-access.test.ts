/**
 * Debugging access in the stack: SSH (key pair, port 22 from one range) and Session Manager
 * are off unless their parameters say otherwise, and turning Session Manager on leaves other
 * instances' runner configs out of reach (checked by an IAM policy simulator).
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import { readTemplate } from "../../deploy/cfn-yaml.ts";
import {
  RUNNER_CONFIG_READER_TAG,
  runnerConfigReader,
} from "../../src/control/adapters/aws/ssm-runner-config-store.ts";
import { evaluate } from "./cfn-eval.ts";
import {
  account,
  configOf,
  instanceA,
  instanceB,
  parameterArn,
  prefix,
  roleId,
} from "./iam-sim.ts";

const template = readTemplate();
const base = {
  VpcId: "vpc-0123",
  ArtifactBucket: "artifacts",
  LinuxAmd64Image: "ami-0123456789abcdef0",
  LinuxArm64Image: "/runs-fleet/ami/linux-arm64",
  WindowsAmd64Image: "ami-0fedcba9876543210",
};
const launchTemplates = [
  "LinuxAmd64LaunchTemplate",
  "LinuxArm64LaunchTemplate",
  "WindowsAmd64LaunchTemplate",
];
const ssmCore = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";

type Props = Record<string, unknown>;
function stack(parameters: Record<string, string> = {}) {
  const ctx = { template, parameters: { ...base, ...parameters } };
  const props = (id: string) => evaluate(ctx, template.Resources[id]?.Properties) as Props;
  return {
    ingress: () => (props("RunnerSecurityGroup").SecurityGroupIngress ?? []) as Props[],
    managedPolicies: () => (props("RunnerRole").ManagedPolicyArns ?? []) as string[],
    keyNames: () => launchTemplates.map((id) => (props(id).LaunchTemplateData as Props).KeyName),
    runnerPolicy: () =>
      (props("RunnerRole").Policies as { PolicyDocument: { Statement: unknown[] } }[])[0]
        ?.PolicyDocument,
  };
}

describe("the stack's debugging access", () => {
  it("is closed by default: no inbound rule, no key, no Session Manager policy", () => {
    const s = stack();
    expect(s.ingress()).toEqual([]);
    expect(s.keyNames()).toEqual([undefined, undefined, undefined]);
    expect(s.managedPolicies()).toEqual([]);
  });

  it("opens port 22 to exactly SshAllowedCidr, and nothing else", () => {
    expect(stack({ SshAllowedCidr: "10.20.0.0/16" }).ingress()).toEqual([
      {
        IpProtocol: "tcp",
        FromPort: 22,
        ToPort: 22,
        CidrIp: "10.20.0.0/16",
        Description: "SSH for debugging (SshAllowedCidr)",
      },
    ]);
  });

  it("gives every launch template the key pair when KeyName is set, without opening a port", () => {
    const s = stack({ KeyName: "ops-debug" });
    expect(s.keyNames()).toEqual(["ops-debug", "ops-debug", "ops-debug"]);
    expect(s.ingress()).toEqual([]);
  });

  it("attaches AmazonSSMManagedInstanceCore only with EnableSessionManager=true", () => {
    expect(stack({ EnableSessionManager: "true" }).managedPolicies()).toEqual([ssmCore]);
    expect(stack({ EnableSessionManager: "false" }).managedPolicies()).toEqual([]);
  });

  it("accepts only an IPv4 range or nothing for SshAllowedCidr, and true/false for Session Manager", () => {
    const pattern = new RegExp(String(template.Parameters.SshAllowedCidr?.AllowedPattern));
    for (const ok of ["", "10.0.0.0/8", "203.0.113.7/32", "0.0.0.0/0"])
      expect(pattern.test(ok), ok).toBe(true);
    for (const bad of ["10.0.0.0", "10.0.0.0/33", "any", "::/0", "10.0.0.0/8,0.0.0.0/0"])
      expect(pattern.test(bad), bad).toBe(false);
    expect(template.Parameters.EnableSessionManager?.AllowedValues).toEqual(["true", "false"]);
  });
});

/**
 * The statements of AmazonSSMManagedInstanceCore that touch parameters (the AWS managed policy
 * allows these on every resource); enough to show what attaching it would open.
 */
const ssmCoreParameterStatements = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: [
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:DescribeAssociation",
        "ssm:GetDocument",
      ],
      Resource: "*",
    },
  ],
};

async function readAs(instance: string, configFor: string, withSsmCore: boolean) {
  const policy = stack({ EnableSessionManager: "true" }).runnerPolicy();
  if (!policy) throw new Error("the runner role has no inline policy");
  const result = await runSimulation(
    {
      identityPolicies: [
        { name: "runner", policy: policy as { Version: string; Statement: unknown[] } },
        ...(withSsmCore ? [{ name: "ssm-core", policy: ssmCoreParameterStatements }] : []),
      ],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        principal: `arn:aws:sts::${account}:assumed-role/${prefix}runner/${instance}`,
        action: "ssm:GetParameter",
        resource: { resource: parameterArn(configOf(configFor).first), accountId: account },
        contextVariables: {
          "aws:userid": `${roleId}:${instance}`,
          [`ssm:resourceTag/${RUNNER_CONFIG_READER_TAG}`]: runnerConfigReader(roleId, configFor),
        },
      },
    },
    {},
  );
  if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

describe("IAM simulation: Session Manager on", () => {
  it("still lets an instance read its own runner config", async () => {
    expect(await readAs(instanceA, instanceA, true)).toBe("Allowed");
  });

  it("does not let an instance read another instance's runner config", async () => {
    expect(await readAs(instanceA, instanceB, true)).toBe("ExplicitlyDenied");
  });
});
