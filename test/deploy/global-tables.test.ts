import { describe, expect, it } from "vitest";
import { readTemplate } from "../../deploy/cfn-yaml.ts";
import { tableNames } from "../../src/control/adapters/aws/tables.ts";
import { tableDefinitions } from "../../src/control/entry/store-ports.ts";
import { condition, evaluate } from "./cfn-eval.ts";

const template = readTemplate();
const prefix = String(template.Parameters.Prefix?.Default);
const required = {
  VpcId: "vpc-0123",
  GitHubAppId: "12345",
  GitHubPrivateKeySecret: "runs-fleet/app-key",
  WebhookSecretSecret: "runs-fleet/webhook-secret",
  AdminTokenSecret: "runs-fleet/admin-token",
  CodeBucket: "code-bucket",
  CodeKey: "runs-fleet/lambda.zip",
  ArtifactBucket: "artifact-bucket",
};
const tableTypes = ["AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"];
type Props = Record<string, unknown>;

/** The tables a stack with these parameters creates: resource id, type, policy, properties. */
function tables(parameters: Record<string, string> = {}) {
  const ctx = { template, parameters: { ...required, ...parameters }, region: "us-east-1" };
  return Object.entries(template.Resources)
    .filter(([, r]) => tableTypes.includes(r.Type))
    .filter(([, r]) => r.Condition === undefined || condition(ctx, r.Condition))
    .map(([id, r]) => ({
      id,
      type: r.Type,
      deletionPolicy: (r as { DeletionPolicy?: string }).DeletionPolicy,
      props: evaluate(ctx, r.Properties) as Props,
    }));
}

/** The control plane's table statement as deployed with these parameters. */
function tableStatement(parameters: Record<string, string> = {}) {
  const ctx = { template, parameters: { ...required, ...parameters } };
  const role = evaluate(ctx, template.Resources.ControlPlaneRole?.Properties) as {
    Policies: { PolicyDocument: { Statement: { Sid?: string; Resource: unknown }[] } }[];
  };
  return role.Policies.flatMap((p) => p.PolicyDocument.Statement).find((s) => s.Sid === "Tables");
}

const expected = tableDefinitions(tableNames(prefix));
const pitr = { PointInTimeRecoveryEnabled: true };
const byName = (name: unknown) => (d: { TableName?: unknown }) => d.TableName === name;

describe("control-plane tables: regional by default, global on request", () => {
  it("by default the stack makes regional tables only, as before", () => {
    const made = tables();
    expect(made.map((t) => t.type)).toEqual(expected.map(() => "AWS::DynamoDB::Table"));
    expect(made.map((t) => t.props.TableName).sort()).toEqual(
      expected.map((d) => d.TableName).sort(),
    );
  });

  it("with GlobalTableRegions, every table is a global table with the same shape", () => {
    const regional = tables();
    const global = tables({ GlobalTableRegions: "eu-west-1" });
    expect(global.map((t) => t.type)).toEqual(expected.map(() => "AWS::DynamoDB::GlobalTable"));
    for (const def of expected) {
      const g = global.find((t) => byName(def.TableName)(t.props));
      const r = regional.find((t) => byName(def.TableName)(t.props));
      expect(g, String(def.TableName)).toBeDefined();
      // Keys, attributes, indexes, billing and TTL as the regional table has them; recovery
      // moves to each replica, and replication needs a stream.
      const { PointInTimeRecoverySpecification, ...shape } = r?.props ?? {};
      const { Replicas, StreamSpecification, ...globalShape } = g?.props ?? {};
      expect(PointInTimeRecoverySpecification).toEqual(pitr);
      expect(globalShape).toEqual(shape);
      expect(globalShape.BillingMode).toBe(def.BillingMode);
      expect(globalShape.KeySchema).toEqual(def.KeySchema);
      expect(StreamSpecification).toEqual({ StreamViewType: "NEW_AND_OLD_IMAGES" });
      expect(Replicas).toEqual([
        { Region: "us-east-1", PointInTimeRecoverySpecification: pitr },
        { Region: "eu-west-1", PointInTimeRecoverySpecification: pitr },
      ]);
      // The audit trail outlives the stack in both forms.
      expect(g?.deletionPolicy).toBe(r?.deletionPolicy);
    }
  });

  it("replicates to up to three other regions, in the order given", () => {
    for (const t of tables({ GlobalTableRegions: "eu-west-1,ap-southeast-2,us-west-2" }))
      expect((t.props.Replicas as { Region: string }[]).map((x) => x.Region)).toEqual([
        "us-east-1",
        "eu-west-1",
        "ap-southeast-2",
        "us-west-2",
      ]);
    for (const t of tables({ GlobalTableRegions: "eu-west-1,us-west-2" }))
      expect((t.props.Replicas as { Region: string }[]).map((x) => x.Region)).toEqual([
        "us-east-1",
        "eu-west-1",
        "us-west-2",
      ]);
  });

  it("accepts only a short list of region names", () => {
    const pattern = new RegExp(String(template.Parameters.GlobalTableRegions?.AllowedPattern));
    for (const ok of [
      "",
      "eu-west-1",
      "eu-west-1,us-west-2",
      "us-gov-west-1,eu-central-2,ap-east-1",
    ])
      expect(pattern.test(ok), ok).toBe(true);
    for (const bad of [
      "eu-west-1,",
      "EU-WEST-1",
      "eu-west-1 us-west-2",
      "eu-west-1,us-west-2,ap-east-1,sa-east-1",
      "*",
    ])
      expect(pattern.test(bad), bad).toBe(false);
  });

  it("keeps the control plane's table permissions on the named tables in both forms", () => {
    const regional = tableStatement();
    expect(tableStatement({ GlobalTableRegions: "eu-west-1,us-west-2" })).toEqual(regional);
    const resources = regional?.Resource as string[];
    for (const arn of resources)
      expect(arn).toMatch(
        new RegExp(`^arn:aws:dynamodb:us-east-1:123456789012:table/${prefix}[a-z]+(/index/\\*)?$`),
      );
  });
});
