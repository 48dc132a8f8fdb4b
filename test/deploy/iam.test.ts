import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readTemplate } from "../../deploy/cfn-yaml.ts";
import {
  iamDir,
  iamDocumentSources,
  renderIamFiles,
  renderStandalone,
} from "../../deploy/render-iam.ts";
import { tableNames } from "../../src/control/adapters/aws/tables.ts";
import { FleetTag } from "../../src/control/domain/launch-slot.ts";
import { runnerConfigParameterNames } from "../../src/shared/runner-config.ts";
import { evaluate } from "./cfn-eval.ts";

const template = readTemplate();
const ctx = { template, parameters: { ArtifactBucket: "artifacts", ArtifactPrefix: "agent/" } };

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

function statements(role: string): Statement[] {
  const policies = evaluate(ctx, template.Resources[role]?.Properties.Policies) as {
    PolicyDocument: { Statement: Statement[] };
  }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}
const list = (x: string | string[]) => (Array.isArray(x) ? x : [x]);
/** Statements allowing `action` on a resource matching `arn` (IAM's `*` wildcards). */
function allowing(role: string, action: string, arn: string): Statement[] {
  const matches = (pattern: string) =>
    new RegExp(`^${pattern.split("*").map(escapeRegex).join(".*")}$`).test(arn);
  return statements(role).filter(
    (s) =>
      s.Effect === "Allow" && list(s.Action).includes(action) && list(s.Resource).some(matches),
  );
}
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const prefix = "runs-fleet-";
const arn = (service: string, resource: string) =>
  `arn:aws:${service}:us-east-1:123456789012:${resource}`;
const managedOnly = { StringEquals: { [`ec2:ResourceTag/${FleetTag.managed}`]: "true" } };

describe("IAM: the JSON documents for deployments without CloudFormation", () => {
  it.each(iamDocumentSources.map((s) => [s.file]))("deploy/iam/%s matches the template", (file) => {
    const expected = renderIamFiles(template).get(file);
    expect(readFileSync(`${iamDir}${file}`, "utf8")).toBe(expected);
  });

  it("renders parameters and pseudo parameters as placeholders and keeps policy variables", () => {
    // Fn::Sub and IAM syntax, not JavaScript template strings.
    const d = "$";
    expect(
      renderStandalone(
        {
          "Fn::Sub": `arn:${d}{AWS::Partition}:s3:::${d}{ArtifactBucket}/${d}{ArtifactPrefix}${d}{!aws:username}`,
        },
        template,
      ),
    ).toBe(`arn:<partition>:s3:::<artifact-bucket>/<artifact-prefix>${d}{aws:username}`);
    expect(() => renderStandalone({ "Fn::GetAtt": ["JobQueue", "Arn"] }, template)).toThrow(
      /Fn::Sub with fixed names/,
    );
  });
});

describe("IAM: the control plane", () => {
  const role = "ControlPlaneRole";

  it("reaches every table and index the code uses, and nothing else in DynamoDB", () => {
    for (const name of Object.values(tableNames(prefix))) {
      expect(allowing(role, "dynamodb:UpdateItem", arn("dynamodb", `table/${name}`))).toHaveLength(
        1,
      );
    }
    expect(
      allowing(role, "dynamodb:Query", arn("dynamodb", `table/${prefix}jobs/index/by-status`)),
    ).toHaveLength(1);
    expect(
      allowing(role, "dynamodb:Query", arn("dynamodb", `table/${prefix}instances/index/by-state`)),
    ).toHaveLength(1);
    expect(allowing(role, "dynamodb:DeleteItem", arn("dynamodb", "table/someone-elses"))).toEqual(
      [],
    );
  });

  it("consumes, re-sends and redrives all four queues", () => {
    for (const q of ["jobs", "jobs-dlq", "events", "events-dlq"]) {
      for (const action of [
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:SendMessage",
        "sqs:GetQueueAttributes",
        "sqs:ChangeMessageVisibility",
      ])
        expect(allowing(role, action, arn("sqs", `${prefix}${q}`)), `${action} ${q}`).toHaveLength(
          1,
        );
    }
  });

  it("writes runner configs where the agent looks for them", () => {
    const dir = runnerConfigParameterNames("i-0123456789abcdef0", "/runs-fleet");
    for (const action of ["ssm:PutParameter", "ssm:GetParameters", "ssm:DeleteParameters"])
      expect(allowing(role, action, arn("ssm", `parameter${dir.first}`))).toHaveLength(1);
    expect(allowing(role, "ssm:PutParameter", arn("ssm", "parameter/other/app/secret"))).toEqual(
      [],
    );
  });

  it("launches only tagged instances from its own templates, and passes only the runner role", () => {
    const [tagged] = allowing(role, "ec2:CreateFleet", arn("ec2", "instance/i-1"));
    expect(tagged?.Condition).toEqual({
      StringEquals: { [`aws:RequestTag/${FleetTag.managed}`]: "true" },
    });
    const [fromTemplate] = allowing(role, "ec2:CreateFleet", arn("ec2", "launch-template/lt-1"));
    expect(fromTemplate?.Condition).toEqual(managedOnly);
    const runnerRole = evaluate(ctx, template.Resources.RunnerRole?.Properties.RoleName);
    const [pass] = allowing(role, "iam:PassRole", `arn:aws:iam::123456789012:role/${runnerRole}`);
    expect(pass?.Condition).toEqual({
      StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" },
    });
    expect(allowing(role, "iam:PassRole", "arn:aws:iam::123456789012:role/admin")).toEqual([]);
  });

  it("stops, starts, terminates and re-tags only instances tagged as ours", () => {
    for (const action of ["ec2:TerminateInstances", "ec2:StopInstances", "ec2:StartInstances"]) {
      const found = allowing(role, action, arn("ec2", "instance/i-1"));
      expect(found, action).toHaveLength(1);
      expect(found[0]?.Condition, action).toEqual(managedOnly);
    }
    const retag = allowing(role, "ec2:CreateTags", arn("ec2", "instance/i-1")).find(
      (s) => s.Sid === "TagFleetInstances",
    );
    expect(retag?.Condition).toEqual({
      ...managedOnly,
      "ForAllValues:StringLike": { "aws:TagKeys": "runs-fleet:*" },
    });
  });
});

describe("IAM: the runner instances", () => {
  const role = "RunnerRole";

  it("may terminate only instances tagged runs-fleet:managed=true", () => {
    const found = allowing(role, "ec2:TerminateInstances", arn("ec2", "instance/i-1"));
    expect(found).toHaveLength(1);
    expect(found[0]?.Condition).toEqual(managedOnly);
    expect(statements(role).flatMap((s) => list(s.Action))).not.toContain("ec2:StopInstances");
  });

  it("sends to the events queue only, and takes runner configs", () => {
    expect(allowing(role, "sqs:SendMessage", arn("sqs", `${prefix}events`))).toHaveLength(1);
    expect(allowing(role, "sqs:SendMessage", arn("sqs", `${prefix}jobs`))).toEqual([]);
    const dir = runnerConfigParameterNames("i-0123456789abcdef0", "/runs-fleet").dir;
    for (const action of ["ssm:GetParametersByPath", "ssm:DeleteParameters"])
      expect(allowing(role, action, arn("ssm", `parameter${dir}`))).toHaveLength(1);
    expect(allowing(role, "ssm:PutParameter", arn("ssm", `parameter${dir}`))).toEqual([]);
  });

  it("reads the agent artifacts under the artifact prefix only", () => {
    expect(
      allowing(role, "s3:GetObject", "arn:aws:s3:::artifacts/agent/bootstrap.sh"),
    ).toHaveLength(1);
    expect(allowing(role, "s3:GetObject", "arn:aws:s3:::artifacts/other/secret")).toEqual([]);
  });

  it("is assumable by EC2 and the control plane's by Lambda", () => {
    const trust = (id: string) =>
      evaluate(ctx, template.Resources[id]?.Properties.AssumeRolePolicyDocument) as {
        Statement: { Principal: unknown }[];
      };
    expect(trust("RunnerRole").Statement[0]?.Principal).toEqual({ Service: "ec2.amazonaws.com" });
    expect(trust("ControlPlaneRole").Statement[0]?.Principal).toEqual({
      Service: "lambda.amazonaws.com",
    });
  });
});
