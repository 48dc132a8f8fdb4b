/** The stack's policies as deployed, and the names they are about, for IAM simulator tests. */
import { readTemplate } from "../../deploy/cfn-yaml.ts";
import { runnerConfigParameterNames } from "../../src/shared/runner-config.ts";
import { evaluate } from "./cfn-eval.ts";

/** The stack template. */
export const template = readTemplate();
export const account = "123456789012";
export const region = "us-east-1";
export const kmsKeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";
const ctx = {
  template,
  parameters: { ArtifactBucket: "artifacts", ArtifactPrefix: "agent/", SsmKmsKeyId: kmsKeyId },
};
export const prefix = String(template.Parameters.Prefix?.Default);
export const ssmPrefix = String(template.Parameters.SsmPrefix?.Default);

/** What `!GetAtt RunnerRole.RoleId` gives: a role's unique id. */
export const roleId = "AROAEXAMPLERUNNERROLE";
export const [instanceA, instanceB] = ["i-0aaaaaaaaaaaaaaaa", "i-0bbbbbbbbbbbbbbbb"] as const;

/** An IAM policy document. */
export type Policy = { Version: string; Statement: unknown[] };
/** A role's inline policy as deployed. */
export const rolePolicy = (role: string): Policy => {
  const [policy] = evaluate(ctx, template.Resources[role]?.Properties.Policies) as {
    PolicyDocument: Policy;
  }[];
  if (!policy) throw new Error(`${role} has no policy`);
  return policy.PolicyDocument;
};
/** The EC2 events queue's policy as deployed. */
export const ec2EventsQueuePolicy = evaluate(
  ctx,
  template.Resources.Ec2EventsQueuePolicy?.Properties.PolicyDocument,
) as Policy;

/** An ARN in the test account and region. */
export const arn = (service: string, resource: string) =>
  `arn:aws:${service}:${region}:${account}:${resource}`;
export const parameterArn = (name: string) => arn("ssm", `parameter${name}`);
/** The SSM names of an instance's runner config. */
export const configOf = (instanceId: string) => runnerConfigParameterNames(instanceId, ssmPrefix);
export const queueArn = (name: string) => arn("sqs", `${prefix}${name}`);
export const keyArn = arn("kms", `key/${kmsKeyId}`);
