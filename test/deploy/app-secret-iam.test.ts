import { describe, expect, it } from "vitest";
import { readTemplate } from "../../deploy/cfn-yaml.ts";
import { appSecretName } from "../../src/control/adapters/aws/secrets-app-credentials.ts";
import { envNamesApp } from "../../src/control/entry/saved-app-env.ts";
import { evaluate } from "./cfn-eval.ts";

const template = readTemplate();
const ctx = {
  template,
  parameters: { Prefix: "fleet-a-", ArtifactBucket: "artifacts", ArtifactPrefix: "agent/" },
};

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}
const list = (x: string | string[]) => (Array.isArray(x) ? x : [x]);
/** IAM's ARN wildcards: `*` any run of characters, `?` exactly one. */
const matches = (pattern: string, arn: string) =>
  new RegExp(
    `^${pattern
      .split("")
      .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join("")}$`,
  ).test(arn);

function statements(): Statement[] {
  const policies = evaluate(ctx, template.Resources.ControlPlaneRole?.Properties.Policies) as {
    PolicyDocument: { Statement: Statement[] };
  }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}

describe("the control plane's grant on the GitHub App secret", () => {
  const secretArn = (name: string) =>
    `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`;
  const granted = (action: string, arn: string) =>
    statements().some(
      (s) =>
        s.Effect === "Allow" &&
        list(s.Action).includes(action) &&
        list(s.Resource).some((r) => matches(r, arn)),
    );

  it.each([
    "secretsmanager:CreateSecret",
    "secretsmanager:PutSecretValue",
    "secretsmanager:GetSecretValue",
  ])("allows %s on <prefix>github-app, the name the adapter uses", (action) => {
    expect(granted(action, secretArn(appSecretName("fleet-a-")))).toBe(true);
  });

  it("allows nothing on other secrets, nor deleting or listing", () => {
    for (const name of ["fleet-a-github-app-extra", "fleet-b-github-app", "fleet-a-admin-token"])
      expect(granted("secretsmanager:GetSecretValue", secretArn(name))).toBe(false);
    const actions = statements().flatMap((s) => list(s.Action));
    expect(actions.filter((a) => a.startsWith("secretsmanager:")).sort()).toEqual([
      "secretsmanager:CreateSecret",
      "secretsmanager:GetSecretValue",
      "secretsmanager:PutSecretValue",
    ]);
  });
});

describe("a stack without App parameters", () => {
  const stackParameters = {
    VpcId: "vpc-0123",
    WebhookSecretSecret: "runs-fleet/webhook-secret",
    AdminTokenSecret: "runs-fleet/admin-token",
    CodeBucket: "code-bucket",
    CodeKey: "runs-fleet/lambda.zip",
  };
  const variables = (parameters: Record<string, string>) =>
    (
      evaluate(
        { template, parameters: { ...ctx.parameters, ...stackParameters, ...parameters } },
        template.Resources.ControlPlaneFunction?.Properties,
      ) as { Environment: { Variables: Record<string, string> } }
    ).Environment.Variables;

  it("gives the function no App, so it reads the one saved in <prefix>github-app", () => {
    const env = variables({ GitHubAppId: "", GitHubPrivateKeySecret: "" });
    expect(env.RUNS_FLEET_GITHUB_APP_ID ?? "").toBe("");
    expect(env.RUNS_FLEET_GITHUB_PRIVATE_KEY ?? "").toBe("");
    expect(envNamesApp(env)).toBe(false);
  });

  it("still passes an App given as parameters", () => {
    const env = variables({ GitHubAppId: "12345", GitHubPrivateKeySecret: "app-key" });
    expect(env.RUNS_FLEET_GITHUB_APP_ID).toBe("12345");
    expect(env.RUNS_FLEET_GITHUB_PRIVATE_KEY).toBe("{{resolve:secretsmanager:app-key}}");
  });
});
