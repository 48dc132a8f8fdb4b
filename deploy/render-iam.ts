/**
 * Writes the IAM documents of the CloudFormation template as standalone JSON under deploy/iam/,
 * for deployments without CloudFormation (Terraform, CDK, the console):
 *
 *   npx tsx deploy/render-iam.ts            rewrite deploy/iam/*.json from the template
 *   npx tsx deploy/render-iam.ts --check    exit 1 when a file differs from the template
 *
 * `${AWS::Region}`-style references become `<region>`, `<account-id>`, `<partition>`, and each
 * template parameter becomes its kebab-case name in angle brackets (`${Prefix}` → `<prefix>`).
 * A statement the template includes only under a condition (`Fn::If` with `AWS::NoValue`) is
 * kept; the README of deploy/iam/ says when to drop it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readTemplate, type Template } from "./cfn-yaml.ts";

/** One standalone document: its file under deploy/iam/ and where it sits in the template. */
export interface IamDocumentSource {
  file: string;
  /** A role, or (for `queue-policy`) an `AWS::SQS::QueuePolicy`. */
  resource: string;
  part: "trust" | "policy" | "queue-policy";
}

export const iamDocumentSources: readonly IamDocumentSource[] = [
  { file: "control-plane-policy.json", resource: "ControlPlaneRole", part: "policy" },
  { file: "control-plane-trust.json", resource: "ControlPlaneRole", part: "trust" },
  { file: "runner-policy.json", resource: "RunnerRole", part: "policy" },
  { file: "runner-trust.json", resource: "RunnerRole", part: "trust" },
  { file: "ec2-events-queue-policy.json", resource: "Ec2EventsQueuePolicy", part: "queue-policy" },
];

export const iamDir = fileURLToPath(new URL("./iam/", import.meta.url));

const pseudo: Record<string, string> = {
  "AWS::Partition": "<partition>",
  "AWS::Region": "<region>",
  "AWS::AccountId": "<account-id>",
};

const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();

/** A `Fn::Sub` string with pseudo parameters and template parameters as placeholders. */
function substitute(text: string, template: Template): string {
  return text.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    // `${!x}` is Fn::Sub's escape for a literal `${x}` (an IAM policy variable).
    if (name.startsWith("!")) return `\${${name.slice(1)}}`;
    const placeholder = pseudo[name];
    if (placeholder) return placeholder;
    if (name in template.Parameters) return `<${kebab(name)}>`;
    throw new Error(`\${${name}} names neither a parameter nor a pseudo parameter`);
  });
}

/** The kept branch of `Fn::If [condition, value, AWS::NoValue]`, or undefined for others. */
function optionalValue(arg: unknown): unknown {
  if (!Array.isArray(arg) || arg.length !== 3) return undefined;
  const otherwise = arg[2] as { Ref?: unknown } | null;
  return otherwise && typeof otherwise === "object" && otherwise.Ref === "AWS::NoValue"
    ? arg[1]
    : undefined;
}

/**
 * The value with every `Fn::Sub` rendered. Policies name resources by their fixed names, never
 * by `Ref`/`GetAtt`, so the standalone form needs nothing but these placeholders.
 */
export function renderStandalone(value: unknown, template: Template): unknown {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((x) => renderStandalone(x, template));
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    const [first] = entries;
    if (entries.length === 1 && first && (first[0] === "Ref" || first[0].startsWith("Fn::"))) {
      if (first[0] === "Fn::Sub" && typeof first[1] === "string")
        return substitute(first[1], template);
      const kept = first[0] === "Fn::If" ? optionalValue(first[1]) : undefined;
      if (kept !== undefined) return renderStandalone(kept, template);
      throw new Error(`${first[0]} cannot be rendered standalone: use Fn::Sub with fixed names`);
    }
    return Object.fromEntries(entries.map(([k, x]) => [k, renderStandalone(x, template)]));
  }
  return value;
}

/** The template's trust, permissions or queue policy document, still in template form. */
export function roleDocument(template: Template, source: IamDocumentSource): unknown {
  const props = template.Resources[source.resource]?.Properties;
  if (!props) throw new Error(`the template has no ${source.resource}`);
  if (source.part === "trust") return props.AssumeRolePolicyDocument;
  if (source.part === "queue-policy") return props.PolicyDocument;
  const policies = props.Policies;
  if (!Array.isArray(policies) || policies.length !== 1)
    throw new Error(`${source.resource} should have exactly one inline policy`);
  return (policies[0] as { PolicyDocument?: unknown }).PolicyDocument;
}

/** The file text each document should have. */
export function renderIamFiles(template: Template = readTemplate()): Map<string, string> {
  const out = new Map<string, string>();
  for (const source of iamDocumentSources) {
    const doc = renderStandalone(roleDocument(template, source), template);
    out.set(source.file, `${JSON.stringify(doc, null, 2)}\n`);
  }
  return out;
}

function main(argv: readonly string[]) {
  const check = argv.includes("--check");
  let stale = 0;
  for (const [file, text] of renderIamFiles()) {
    const path = `${iamDir}${file}`;
    let current = "";
    try {
      current = readFileSync(path, "utf8");
    } catch {
      // a missing file is written (or reported) below
    }
    if (current === text) continue;
    stale++;
    if (check) console.error(`${path} differs from the template`);
    else writeFileSync(path, text);
  }
  if (check && stale > 0) process.exitCode = 1;
  else if (!check) console.error(`deploy/iam: ${stale} file(s) written`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  main(process.argv.slice(2));
