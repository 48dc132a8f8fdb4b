/**
 * The regional stack (deploy/region.yaml): its `Fn::ForEach` loops expanded for two
 * environments as CloudFormation's language extensions would, then read with the same evaluator
 * as the home stack, and checked against the home stack and the code: events go to the home
 * bus, runners use the home instance profile, queue and config, each environment gets its own
 * launch templates, tags and budget.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import {
  parseCfnYaml,
  readTemplate,
  type Template,
  TemplateSchema,
} from "../../deploy/cfn-yaml.ts";
import { FleetTag } from "../../src/control/domain/launch-slot.ts";
import { evaluate } from "./cfn-eval.ts";

const path = fileURLToPath(new URL("../../deploy/region.yaml", import.meta.url));
const raw = parseCfnYaml(readFileSync(path, "utf8")) as {
  Transform: string;
  Conditions: Record<string, unknown>;
  Resources: Record<string, unknown>;
};
const home = readTemplate();
const envs = ["dev", "prod"];

/** Replaces the loop variable in keys (`&{Env}`), strings (`${Env}`) and `Ref: Env`. */
function bind(value: unknown, name: string, env: string): unknown {
  if (Array.isArray(value)) return value.map((x) => bind(x, name, env));
  if (typeof value === "string") return value.replaceAll(`\${${name}}`, env);
  if (!value || typeof value !== "object") return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]![0] === "Ref" && entries[0]![1] === name) return env;
  return Object.fromEntries(
    entries.map(([k, x]) => [
      k.replaceAll(`&{${name}}`, env.replace(/[^A-Za-z0-9]/g, "")),
      bind(x, name, env),
    ]),
  );
}

/** `Condition: X` inside a condition stands for X's expression. */
function inline(value: unknown, conditions: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((x) => inline(x, conditions));
  if (!value || typeof value !== "object") return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]![0] === "Condition")
    return inline(conditions[String(entries[0]![1])], conditions);
  return Object.fromEntries(entries.map(([k, x]) => [k, inline(x, conditions)]));
}

/** The template as deployed with `Environments` = dev,prod. */
function expanded(): Template {
  const resources: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw.Resources)) {
    if (!key.startsWith("Fn::ForEach::")) {
      resources[key] = value;
      continue;
    }
    const [name, , body] = value as [string, unknown, Record<string, unknown>];
    for (const env of envs) Object.assign(resources, bind(body, name, env));
  }
  const text = JSON.stringify({ ...raw, Resources: resources }).replaceAll(
    `\${AWS::URLSuffix}`,
    "amazonaws.com",
  );
  const t = JSON.parse(text) as typeof raw;
  const conditions = Object.fromEntries(
    Object.entries(t.Conditions).map(([k, x]) => [k, inline(x, t.Conditions)]),
  );
  return v.parse(TemplateSchema, { ...t, Conditions: conditions });
}

// biome-ignore lint/suspicious/noExplicitAny: assertions read evaluated template values by path
type Props = Record<string, any>;

const template = expanded();
const parameters = {
  HomeRegion: "us-east-1",
  VpcId: "vpc-0eu",
  ArtifactBucket: "artifact-bucket",
  LinuxArm64Image: "ami-0123456789abcdef0",
  LinuxAmd64Image: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
  WindowsAmd64Image: "ami-0fedcba9876543210",
};
const ctx = { template, parameters, region: "eu-west-1" };
const props = (id: string) => {
  const r = template.Resources[id];
  if (!r) throw new Error(`no resource ${id}`);
  return evaluate(ctx, r.Properties) as Props;
};
const homeValue = (id: string, key: string) =>
  evaluate({ template: home }, home.Resources[id]!.Properties[key]);

describe("the regional stack", () => {
  it("uses CloudFormation's language extensions, for one set of resources per environment", () => {
    expect(raw.Transform).toBe("AWS::LanguageExtensions");
  });

  it("forwards the EC2 events the home stack's rules take, to the home region's bus", () => {
    const bus = "arn:aws:events:us-east-1:123456789012:event-bus/default";
    const pairs = [
      ["SpotInterruptionForwardRule", "SpotInterruptionRule"],
      ["RebalanceRecommendationForwardRule", "RebalanceRecommendationRule"],
      ["StateChangeForwardRule", "StateChangeRule"],
    ] as const;
    for (const [forward, own] of pairs) {
      expect(template.Resources[forward]?.Condition).toBe("ForwardsEvents");
      const rule = props(forward);
      expect(rule.EventPattern).toEqual(homeValue(own, "EventPattern"));
      expect(rule.Targets).toEqual([
        { Id: "home-bus", Arn: bus, RoleArn: "<ForwardEventsRole.Arn>" },
      ]);
    }
    const role = props("ForwardEventsRole");
    expect(role.Policies[0].PolicyDocument.Statement).toEqual([
      { Effect: "Allow", Action: "events:PutEvents", Resource: bus },
    ]);
    // In the home region itself the home stack's rules already see every event.
    expect(evaluate({ ...ctx, region: "us-east-1" }, { "Fn::If": ["ForwardsEvents", 1, 0] })).toBe(
      0,
    );
  });

  it.each(envs)(
    "gives env %s its own launch templates, tagged, on the home runner profile",
    (env) => {
      const homeProfile = homeValue("RunnerInstanceProfile", "InstanceProfileName");
      const homeQueue = homeValue("EventsQueue", "QueueName");
      for (const [id, name] of [
        [`LinuxArm64LaunchTemplate${env}`, `runs-fleet-linux-arm64-${env}`],
        [`LinuxAmd64LaunchTemplate${env}`, `runs-fleet-linux-amd64-${env}`],
        [`WindowsAmd64LaunchTemplate${env}`, `runs-fleet-windows-amd64-${env}`],
      ] as const) {
        const lt = props(id);
        expect(lt.LaunchTemplateName).toBe(name);
        const data = lt.LaunchTemplateData;
        expect(data.IamInstanceProfile.Arn).toBe(
          `arn:aws:iam::123456789012:instance-profile/${homeProfile}`,
        );
        expect(data.InstanceInitiatedShutdownBehavior).toBe("terminate");
        expect(data.MetadataOptions).toMatchObject({
          HttpTokens: "required",
          HttpPutResponseHopLimit: 1,
          InstanceMetadataTags: "enabled",
        });
        const instanceTags = data.TagSpecifications.find(
          (t: { ResourceType: string }) => t.ResourceType === "instance",
        ).Tags;
        expect(instanceTags).toEqual([
          { Key: FleetTag.env, Value: env },
          { Key: "runs-fleet:home-region", Value: "us-east-1" },
        ]);
        // Config, events and artifacts are the home region's.
        const userData = String(data.UserData);
        expect(userData).toMatch(/AWS_REGION\s*=?\s*'us-east-1'/);
        expect(userData).toContain(`https://sqs.us-east-1.amazonaws.com/123456789012/${homeQueue}`);
      }
    },
  );

  it("budgets each environment by its runs-fleet:env tag, alerting the given topic", () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:runs-fleet-alerts";
    const withBudget = {
      ...ctx,
      parameters: { ...parameters, BudgetMonthlyUsd: "500", AlertsTopicArn: topic },
    };
    for (const env of envs) {
      const b = evaluate(withBudget, template.Resources[`Budget${env}`]!.Properties) as Props;
      expect(b.Budget.CostFilters).toEqual({ TagKeyValue: [`user:${FleetTag.env}$${env}`] });
      expect(b.Budget.BudgetLimit).toEqual({ Amount: "500", Unit: "USD" });
      for (const n of b.NotificationsWithSubscribers)
        expect(n.Subscribers).toEqual([{ SubscriptionType: "SNS", Address: topic }]);
      expect(template.Resources[`Budget${env}`]?.Condition).toBe("HasBudgets");
    }
    const byEmail = {
      ...ctx,
      parameters: { ...parameters, BudgetMonthlyUsd: "500", BudgetEmail: "ops@example.com" },
    };
    const b = evaluate(byEmail, template.Resources.Budgetprod!.Properties) as Props;
    expect(b.NotificationsWithSubscribers[0].Subscribers).toEqual([
      { SubscriptionType: "EMAIL", Address: "ops@example.com" },
    ]);
    expect(evaluate(ctx, { "Fn::If": ["HasBudgets", 1, 0] })).toBe(0);
  });
});

const cfnLint = spawnSync("cfn-lint", ["--version"], { encoding: "utf8" }).status === 0;
describe.skipIf(!cfnLint)("cfn-lint on the regional stack", () => {
  it("finds no error, warning or informational finding", () => {
    const r = spawnSync("cfn-lint", ["--include-checks", "I", "--", path], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
