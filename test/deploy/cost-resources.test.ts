import { describe, expect, it } from "vitest";
import { readTemplate } from "../../deploy/cfn-yaml.ts";
import { costSettingsFrom } from "../../src/control/entry/cost-settings.ts";
import { reportKey } from "../../src/control/services/cost/report-day.ts";
import { condition, type EvalContext, evaluate } from "./cfn-eval.ts";

const template = readTemplate();
const ctx: EvalContext = {
  template,
  parameters: {
    VpcId: "vpc-0123",
    GitHubAppId: "12345",
    GitHubPrivateKeySecret: "runs-fleet/app-key",
    WebhookSecretSecret: "runs-fleet/webhook-secret",
    AdminTokenSecret: "runs-fleet/admin-token",
    CodeBucket: "code-bucket",
    CodeKey: "runs-fleet/lambda.zip",
    ArtifactBucket: "artifacts",
  },
};
const bucket = "runs-fleet-reports-123456789012-us-east-1";
const topic = "arn:aws:sns:us-east-1:123456789012:runs-fleet-alerts";

const props = (id: string, c: EvalContext = ctx) =>
  evaluate(c, template.Resources[id]?.Properties) as Record<string, unknown>;

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}
const list = (x: string | string[]) => (Array.isArray(x) ? x : [x]);
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const matches = (pattern: string, value: string) =>
  new RegExp(`^${pattern.split("*").map(escapeRegex).join(".*")}$`).test(value);

/** The control plane's statements allowing `action` on `arn`. */
function allowing(action: string, arn: string): Statement[] {
  const policies = props("ControlPlaneRole").Policies as {
    PolicyDocument: { Statement: Statement[] };
  }[];
  return policies
    .flatMap((p) => p.PolicyDocument.Statement)
    .filter(
      (s) =>
        s.Effect === "Allow" &&
        list(s.Action).includes(action) &&
        list(s.Resource).some((r) => matches(r, arn)),
    );
}

describe("the CloudFormation template: cost reports", () => {
  it("keeps reports in a private, encrypted, TLS-only bucket that outlives the stack", () => {
    const resource = template.Resources.ReportBucket;
    expect(resource).toMatchObject({
      Type: "AWS::S3::Bucket",
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
    });
    const b = props("ReportBucket");
    expect(b.BucketName).toBe(bucket);
    expect(b.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(b.BucketEncryption).toMatchObject({
      ServerSideEncryptionConfiguration: [
        { ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } },
      ],
    });
    const policy = props("ReportBucketPolicy") as {
      Bucket: string;
      PolicyDocument: { Statement: Statement[] };
    };
    expect(policy.Bucket).toBe(bucket);
    expect(policy.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: "Deny",
        Action: "s3:*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    );
  });

  it("expires cost/ only when a retention is given", () => {
    expect(condition(ctx, "HasReportRetention")).toBe(false);
    expect(props("ReportBucket")).not.toHaveProperty("LifecycleConfiguration");
    const kept = { ...ctx, parameters: { ...ctx.parameters, ReportRetentionDays: "400" } };
    expect(condition(kept, "HasReportRetention")).toBe(true);
    expect(props("ReportBucket", kept).LifecycleConfiguration).toEqual({
      Rules: [
        { Id: "expire-cost-reports", Status: "Enabled", Prefix: "cost/", ExpirationInDays: "400" },
      ],
    });
  });

  it("lets the control plane read and write reports under cost/ only, and publish to the alerts topic", () => {
    for (const ext of ["md", "json"] as const) {
      const key = `arn:aws:s3:::${bucket}/${reportKey("2026-03-01", ext)}`;
      expect(allowing("s3:PutObject", key)).toHaveLength(1);
      expect(allowing("s3:GetObject", key)).toHaveLength(1);
    }
    expect(allowing("s3:PutObject", `arn:aws:s3:::${bucket}/other/x`)).toEqual([]);
    expect(allowing("s3:DeleteObject", `arn:aws:s3:::${bucket}/cost/2026/03/01.md`)).toEqual([]);
    // Listing, so a missing day reads as missing (404), limited to cost/.
    expect(allowing("s3:ListBucket", `arn:aws:s3:::${bucket}`)).toEqual([
      expect.objectContaining({ Condition: { StringLike: { "s3:prefix": "cost/*" } } }),
    ]);
    expect(allowing("sns:Publish", topic)).toHaveLength(1);
    expect(allowing("sns:Publish", "arn:aws:sns:us-east-1:123456789012:someone-elses")).toEqual([]);
    expect(allowing("ec2:DescribeSpotPriceHistory", "*")).toHaveLength(1);
  });

  it("gives the function the bucket and the topic, as the cost settings accept them", () => {
    const fn = props("ControlPlaneFunction") as {
      Environment: { Variables: Record<string, string> };
    };
    const env = fn.Environment.Variables;
    expect(env.RUNS_FLEET_REPORT_BUCKET).toBe(bucket);
    expect(env.RUNS_FLEET_ALERTS_TOPIC_ARN).toBe(topic);
    expect(props("AlertsTopic").TopicName).toBe("runs-fleet-alerts");
    const settings = costSettingsFrom(env, { mode: "aws" });
    expect(settings).toMatchObject({ ok: true, value: { bucket, alertsTopicArn: topic } });
  });
});
