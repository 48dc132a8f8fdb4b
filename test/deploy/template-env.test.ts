import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readTemplate } from "../../deploy/cfn-yaml.ts";
import { fleetConfig } from "../../deploy/fleet-config.ts";
import { tableNames } from "../../src/control/adapters/aws/tables.ts";
import { githubEnvNames } from "../../src/control/adapters/github/config.ts";
import { type Env, parseConfig as parseConfigResult } from "../../src/control/entry/config.ts";
import { createLambdaHandler } from "../../src/control/entry/lambda.ts";
import { generateAppKey } from "../support/fake-github-keys.ts";
import { evaluate } from "./cfn-eval.ts";

const template = readTemplate();

/** The config an accepted environment gives; a refused one fails with its problems. */
function parseConfig(env: Env) {
  const result = parseConfigResult(env);
  if (!result.ok) throw new Error(result.problems.join("; "));
  return result.value;
}
const required = {
  VpcId: "vpc-0123",
  GitHubAppId: "12345",
  GitHubPrivateKeySecret: "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-key-AbCdEf",
  WebhookSecretSecret: "runs-fleet/webhook-secret",
  AdminTokenSecret: "runs-fleet/admin-token",
  CodeBucket: "code-bucket",
  CodeKey: "runs-fleet/lambda.zip",
  ArtifactBucket: "artifact-bucket",
};

// Stand-ins for what CloudFormation's dynamic references fetch from Secrets Manager.
const key = generateAppKey().pkcs1;
const secrets: Record<string, string> = {
  [required.GitHubPrivateKeySecret]: key,
  [required.WebhookSecretSecret]: "w".repeat(40),
  [required.AdminTokenSecret]: "a".repeat(40),
};

/** The function's environment as deployed with these parameters, secrets resolved. */
function functionEnv(parameters: Record<string, string> = {}): Record<string, string> {
  const fn = evaluate(
    { template, parameters: { ...required, ...parameters } },
    template.Resources.ControlPlaneFunction?.Properties,
  ) as { Environment: { Variables: Record<string, string> } };
  return Object.fromEntries(
    Object.entries(fn.Environment.Variables).map(([k, value]) => {
      const ref = /^\{\{resolve:secretsmanager:(.+)\}\}$/.exec(value)?.[1];
      if (ref === undefined) return [k, value];
      const secret = secrets[ref];
      if (secret === undefined) throw new Error(`${k} resolves unknown secret ${ref}`);
      return [k, secret];
    }),
  );
}

/**
 * Every variable `parseConfig` reads. Its schema is not exported and it ignores unknown names,
 * so the names are read from its source: a misspelt variable would otherwise pass unnoticed.
 */
const configNames = new Set(
  [
    ...readFileSync(new URL("../../src/control/entry/config.ts", import.meta.url), "utf8").matchAll(
      /^ {2}([A-Z][A-Z0-9_]+): v\./gm,
    ),
  ].map((m) => m[1]!),
);
/** The cost report's variables, read by `costSettingsFrom` from the same environment. */
const costNames = new Set(
  [
    ...readFileSync(
      new URL("../../src/control/entry/cost-settings.ts", import.meta.url),
      "utf8",
    ).matchAll(/^ {2}([A-Z][A-Z0-9_]+): v\./gm),
  ].map((m) => m[1]!),
);
/** Read by the Node runtime itself. */
const runtimeNames = new Set(["NODE_OPTIONS"]);
/** Lambda sets these and refuses them in a function's configuration. */
const lambdaReserved = [
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_DEFAULT_REGION",
  "AWS_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
];

describe("the function's environment", () => {
  it("names only variables the control plane or the runtime reads", () => {
    expect(configNames.size).toBeGreaterThan(30);
    const known = new Set<string>([
      ...configNames,
      ...costNames,
      ...githubEnvNames,
      ...runtimeNames,
    ]);
    const everything = functionEnv({
      RunnerGroup: "ci",
      OtlpEndpoint: "https://otel.example.com",
      SsmKmsKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab",
    });
    for (const name of Object.keys(everything)) expect(known, name).toContain(name);
    for (const name of lambdaReserved) expect(everything, name).not.toHaveProperty(name);
  });

  it("is one parseConfig accepts, with the stack's queues, tables and config file", () => {
    const env = functionEnv();
    const config = parseConfig({ ...env, AWS_REGION: "us-east-1" });
    expect(config).toMatchObject({
      mode: "aws",
      tablePrefix: "runs-fleet-",
      jobQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/runs-fleet-jobs",
      eventsQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/runs-fleet-events",
      ssmPrefix: "/runs-fleet",
      environments: ["default"],
      configFile: "/var/task/runs-fleet.yaml",
      webhookSecrets: ["w".repeat(40)],
      adminToken: "a".repeat(40),
    });
    expect(config.housekeeping).toMatchObject({
      jobDlqUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/runs-fleet-jobs-dlq",
      eventsDlqUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/runs-fleet-events-dlq",
    });
  });

  it("tags runner configs for the runner role, with the KMS key only when one is given", () => {
    const config = parseConfig({ ...functionEnv(), AWS_REGION: "us-east-1" });
    expect(config).toMatchObject({ runnerRoleId: "AROARUNNERROLE", ssmKmsKeyId: undefined });
    const kmsKeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";
    expect(
      parseConfig({ ...functionEnv({ SsmKmsKeyId: kmsKeyId }), AWS_REGION: "us-east-1" }),
    ).toMatchObject({ ssmKmsKeyId: kmsKeyId });
  });

  it("passes optional settings only when they are given", () => {
    expect(functionEnv()).not.toHaveProperty("RUNS_FLEET_GITHUB_RUNNER_GROUP");
    expect(functionEnv()).not.toHaveProperty("OTEL_EXPORTER_OTLP_ENDPOINT");
    expect(functionEnv()).not.toHaveProperty("RUNS_FLEET_SSM_KMS_KEY_ID");
    const config = parseConfig({
      ...functionEnv({ OtlpEndpoint: "https://otel.example.com/", Prefix: "ci-" }),
      AWS_REGION: "eu-west-1",
    });
    expect(config.otlpEndpoint).toBe("https://otel.example.com/");
    expect(config.tablePrefix).toBe("ci-");
  });

  it("starts the AWS control plane with a config file written for the stack", () => {
    const { config, plane } = createLambdaHandler(
      { ...functionEnv({ RunnerScope: "org", RunnerGroup: "ci" }), AWS_REGION: "us-east-1" },
      fleetConfig({
        prefix: "runs-fleet-",
        region: "us-east-1",
        subnets: ["subnet-0a=us-east-1a", "subnet-0b=us-east-1b"],
      }),
    );
    expect(config.mode).toBe("aws");
    expect(plane.app).toBeDefined();
    expect(tableNames(config.tablePrefix).jobs).toBe("runs-fleet-jobs");
  });

  it("stays under Lambda's 4 KB limit for all variables with a 2048-bit App key", () => {
    const env = functionEnv({
      RunnerGroup: "ci",
      OtlpEndpoint: "https://otel.example.com",
      SsmKmsKeyId: "mrk-0123456789abcdef0123456789abcdef",
    });
    const bytes = Object.entries(env).reduce(
      (n, [k, value]) => n + new TextEncoder().encode(k + value).length,
      0,
    );
    expect(bytes).toBeLessThan(4096);
  });
});
