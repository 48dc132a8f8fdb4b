import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readTemplate } from "../../deploy/cfn-yaml.ts";
import {
  iamDir,
  iamDocumentSources,
  renderIamFiles,
  renderStandalone,
} from "../../deploy/render-iam.ts";
import { RUNNER_CONFIG_READER_TAG } from "../../src/control/adapters/aws/ssm-runner-config-store.ts";
import { tableNames } from "../../src/control/adapters/aws/tables.ts";
import { FleetTag } from "../../src/control/domain/launch-slot.ts";
import { runnerConfigParameterNames } from "../../src/shared/runner-config.ts";
import { type EvalContext, evaluate } from "./cfn-eval.ts";

const template = readTemplate();
const kmsKeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";
const withoutKey = {
  template,
  parameters: { ArtifactBucket: "artifacts", ArtifactPrefix: "agent/" },
};
const ctx = { ...withoutKey, parameters: { ...withoutKey.parameters, SsmKmsKeyId: kmsKeyId } };

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

function statements(role: string, context: EvalContext = ctx): Statement[] {
  const policies = evaluate(context, template.Resources[role]?.Properties.Policies) as {
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
/** IAM's StringLike: `*` matches any run of characters. */
const like = (pattern: string, value: string) =>
  new RegExp(`^${pattern.split("*").map(escapeRegex).join(".*")}$`).test(value);

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

  it("consumes, re-sends and redrives all six queues", () => {
    for (const q of ["jobs", "jobs-dlq", "events", "events-dlq", "ec2-events", "ec2-events-dlq"]) {
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
    // Tags are written with PutParameter, which needs AddTagsToResource too.
    for (const action of [
      "ssm:PutParameter",
      "ssm:AddTagsToResource",
      "ssm:GetParameters",
      "ssm:DeleteParameters",
    ])
      expect(allowing(role, action, arn("ssm", `parameter${dir.first}`))).toHaveLength(1);
    expect(allowing(role, "ssm:PutParameter", arn("ssm", "parameter/other/app/secret"))).toEqual(
      [],
    );
  });

  it("encrypts and decrypts runner configs with the configured key, through SSM only", () => {
    const key = arn("kms", `key/${kmsKeyId}`);
    for (const action of ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]) {
      const [found] = allowing(role, action, key);
      expect(found?.Condition, action).toEqual({
        StringEquals: { "kms:ViaService": "ssm.us-east-1.amazonaws.com" },
        StringLike: {
          "kms:EncryptionContext:PARAMETER_ARN": arn("ssm", "parameter/runs-fleet/runners/*"),
        },
      });
    }
    const kmsActions = (context: EvalContext) =>
      statements(role, context)
        .flatMap((s) => list(s.Action))
        .filter((a) => a.startsWith("kms:"));
    expect(kmsActions(withoutKey)).toEqual([]);
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

  it("has no EC2 right at all: an instance ends itself by shutting down", () => {
    expect(
      statements(role)
        .flatMap((s) => list(s.Action))
        .filter((a) => a.startsWith("ec2:")),
    ).toEqual([]);
  });

  it("sends to the agent events queue only", () => {
    expect(allowing(role, "sqs:SendMessage", arn("sqs", `${prefix}events`))).toHaveLength(1);
    for (const q of ["jobs", "ec2-events", "events-dlq"])
      expect(allowing(role, "sqs:SendMessage", arn("sqs", `${prefix}${q}`)), q).toEqual([]);
  });

  it("reads and deletes by name only the configs tagged for its own session, and never lists", () => {
    const names = runnerConfigParameterNames("i-0123456789abcdef0", "/runs-fleet");
    for (const action of [
      "ssm:GetParameter",
      "ssm:GetParameters",
      "ssm:DeleteParameter",
      "ssm:DeleteParameters",
    ]) {
      const found = allowing(role, action, arn("ssm", `parameter${names.first}`));
      expect(found, action).toHaveLength(1);
      expect(found[0]?.Condition, action).toEqual({
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
        StringEquals: { [`ssm:resourceTag/${RUNNER_CONFIG_READER_TAG}`]: "${aws:userid}" },
      });
    }
    // Allowed actions only: the Deny statement names these to take them back from any
    // managed policy attached beside (Session Manager's).
    const actions = statements(role)
      .filter((s) => s.Effect === "Allow")
      .flatMap((s) => list(s.Action));
    expect(actions).not.toContain("ssm:GetParametersByPath");
    expect(actions).not.toContain("ssm:PutParameter");
  });

  it("decrypts with the configured key only runner configs, through SSM", () => {
    const [found] = allowing(role, "kms:Decrypt", arn("kms", `key/${kmsKeyId}`));
    expect(found?.Condition?.StringEquals).toEqual({
      "kms:ViaService": "ssm.us-east-1.amazonaws.com",
    });
    const pattern = String(found?.Condition?.StringLike?.["kms:EncryptionContext:PARAMETER_ARN"]);
    const names = runnerConfigParameterNames("i-0123456789abcdef0", "/runs-fleet");
    expect(like(pattern, arn("ssm", `parameter${names.first}`))).toBe(true);
    expect(like(pattern, arn("ssm", `parameter${names.second}`))).toBe(true);
    expect(like(pattern, arn("ssm", "parameter/runs-fleet/other/secret"))).toBe(false);
    expect(like(pattern, arn("ssm", "parameter/app/secret"))).toBe(false);
    expect(
      statements(role, withoutKey)
        .flatMap((s) => list(s.Action))
        .filter((a) => a.startsWith("kms:")),
    ).toEqual([]);
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
