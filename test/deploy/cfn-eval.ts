/**
 * Evaluates CloudFormation intrinsic functions the way a deployment would, with parameters
 * given and every resource attribute replaced by a realistic stand-in (queue URLs and ARNs built
 * from the queue's name), so tests can read the values the stack would produce.
 */
import type { Template } from "../../deploy/cfn-yaml.ts";

export interface EvalContext {
  template: Template;
  /** Parameter values; parameters not given take their defaults. */
  parameters?: Record<string, string>;
  region?: string;
  accountId?: string;
}

/** Dropped from lists and maps, as `AWS::NoValue` is. */
const noValue = Symbol("AWS::NoValue");

type Evaluator = (value: unknown) => unknown;

function parameterValue(ctx: EvalContext, name: string): string {
  const given = ctx.parameters?.[name];
  if (given !== undefined) return given;
  const def = ctx.template.Parameters[name]?.Default;
  if (def === undefined) throw new Error(`parameter ${name} has no default and was not given`);
  return String(def);
}

function resourceRef(ctx: EvalContext, id: string, ev: Evaluator): string {
  const resource = ctx.template.Resources[id];
  if (!resource) throw new Error(`Ref to unknown ${id}`);
  const { region, accountId } = settings(ctx);
  if (resource.Type === "AWS::SQS::Queue")
    return `https://sqs.${region}.amazonaws.com/${accountId}/${String(ev(resource.Properties.QueueName))}`;
  if (resource.Type === "AWS::S3::Bucket" && resource.Properties.BucketName !== undefined)
    return String(ev(resource.Properties.BucketName));
  if (resource.Type === "AWS::SNS::Topic" && resource.Properties.TopicName !== undefined)
    return `arn:aws:sns:${region}:${accountId}:${String(ev(resource.Properties.TopicName))}`;
  return `<${id}>`;
}

function getAtt(ctx: EvalContext, id: string, attr: string, ev: Evaluator): string {
  const resource = ctx.template.Resources[id];
  if (!resource) throw new Error(`GetAtt of unknown ${id}`);
  const { region, accountId } = settings(ctx);
  if (resource.Type === "AWS::SQS::Queue" && attr === "Arn")
    return `arn:aws:sqs:${region}:${accountId}:${String(ev(resource.Properties.QueueName))}`;
  if (resource.Type === "AWS::Events::Rule" && attr === "Arn")
    return `arn:aws:events:${region}:${accountId}:rule/${String(ev(resource.Properties.Name))}`;
  // A role's unique id: `AROA` and upper-case letters and digits.
  if (resource.Type === "AWS::IAM::Role" && attr === "RoleId")
    return `AROA${id.toUpperCase().replace(/[^A-Z0-9]/g, "")}`;
  if (resource.Type === "AWS::Lambda::Url" && attr === "FunctionUrl")
    return "https://abcdefghijklmnop.lambda-url.us-east-1.on.aws/";
  return `<${id}.${attr}>`;
}

function settings(ctx: EvalContext) {
  return { region: ctx.region ?? "us-east-1", accountId: ctx.accountId ?? "123456789012" };
}

function sub(ctx: EvalContext, text: string, vars: Record<string, unknown>, ev: Evaluator) {
  return text.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    if (name.startsWith("!")) return `\${${name.slice(1)}}`;
    if (name in vars) return String(ev(vars[name]));
    if (name.includes(".")) {
      const dot = name.indexOf(".");
      return getAtt(ctx, name.slice(0, dot), name.slice(dot + 1), ev);
    }
    return String(ev({ Ref: name }));
  });
}

/** Whether a named condition holds for these parameters. */
export function condition(ctx: EvalContext, name: string): boolean {
  const expr = ctx.template.Conditions[name];
  if (expr === undefined) throw new Error(`unknown condition ${name}`);
  return evaluate(ctx, expr) === true;
}

/** The value an expression takes in the deployed stack. */
export function evaluate(ctx: EvalContext, value: unknown): unknown {
  const out = evalInner(ctx, value);
  if (out === noValue) throw new Error("AWS::NoValue at the top level");
  return out;
}

function evalInner(ctx: EvalContext, value: unknown): unknown {
  const ev: Evaluator = (x) => evalInner(ctx, x);
  if (Array.isArray(value)) return value.map(ev).filter((x) => x !== noValue);
  if (!value || typeof value !== "object") return value;
  const entries = Object.entries(value);
  const [first] = entries;
  if (entries.length !== 1 || !first || !(first[0] === "Ref" || first[0].startsWith("Fn::"))) {
    return Object.fromEntries(
      entries.map(([k, x]) => [k, ev(x)] as const).filter(([, x]) => x !== noValue),
    );
  }
  const [fn, arg] = first;
  const args = Array.isArray(arg) ? arg : [arg];
  switch (fn) {
    case "Ref": {
      const name = String(arg);
      if (name === "AWS::NoValue") return noValue;
      if (name === "AWS::Region") return settings(ctx).region;
      if (name === "AWS::AccountId") return settings(ctx).accountId;
      if (name === "AWS::Partition") return "aws";
      if (name in ctx.template.Parameters) return parameterValue(ctx, name);
      return resourceRef(ctx, name, ev);
    }
    case "Fn::GetAtt":
      return getAtt(ctx, String(args[0]), String(args[1]), ev);
    case "Fn::Sub":
      return typeof arg === "string"
        ? sub(ctx, arg, {}, ev)
        : sub(ctx, String(args[0]), (args[1] ?? {}) as Record<string, unknown>, ev);
    case "Fn::Join":
      return (ev(args[1]) as unknown[]).map(String).join(String(args[0]));
    case "Fn::Select":
      return (ev(args[1]) as unknown[])[Number(ev(args[0]))];
    case "Fn::Split":
      return String(ev(args[1])).split(String(args[0]));
    case "Fn::Equals":
      return ev(args[0]) === ev(args[1]);
    case "Fn::Not":
      return !ev(args[0]);
    case "Fn::And":
      return args.every((a) => ev(a) === true);
    case "Fn::Or":
      return args.some((a) => ev(a) === true);
    case "Fn::If":
      return condition(ctx, String(args[0])) ? ev(args[1]) : ev(args[2]);
    case "Fn::Base64":
      // Kept as text: tests read user data, not its encoding.
      return ev(arg);
    default:
      throw new Error(`${fn} is not evaluated here`);
  }
}
