/**
 * Reads a CloudFormation template written in YAML into the JSON form CloudFormation itself uses:
 * the short tags (`!Ref`, `!Sub`, `!GetAtt`, …) become `{ "Ref": … }` and `{ "Fn::…": … }`.
 * The `yaml` package rejects unknown tags, so each short form is declared here for the three
 * node kinds it may take (scalar, sequence, mapping).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as v from "valibot";
import { parse, type Tags } from "yaml";

/** Short tag name → the long key it stands for. */
const functions: Record<string, string> = {
  Ref: "Ref",
  Condition: "Condition",
  GetAtt: "Fn::GetAtt",
  Sub: "Fn::Sub",
  Join: "Fn::Join",
  Select: "Fn::Select",
  Split: "Fn::Split",
  If: "Fn::If",
  Equals: "Fn::Equals",
  Not: "Fn::Not",
  And: "Fn::And",
  Or: "Fn::Or",
  FindInMap: "Fn::FindInMap",
  Base64: "Fn::Base64",
  Cidr: "Fn::Cidr",
  GetAZs: "Fn::GetAZs",
  ImportValue: "Fn::ImportValue",
  Length: "Fn::Length",
  ToJsonString: "Fn::ToJsonString",
  Transform: "Fn::Transform",
};

/** `!GetAtt Res.Attr` is shorthand for `["Res", "Attr"]`; the attribute may contain dots. */
function shortValue(name: string, value: string): unknown {
  if (name !== "GetAtt") return value;
  const dot = value.indexOf(".");
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

function cfnTags(): Tags {
  const tags: Tags = [];
  for (const [name, key] of Object.entries(functions)) {
    const tag = `!${name}`;
    tags.push({
      tag,
      identify: () => false,
      resolve: (value: string) => ({ [key]: shortValue(name, value) }),
    });
    for (const collection of ["seq", "map"] as const) {
      tags.push({
        tag,
        collection,
        identify: () => false,
        resolve: (node) => ({ [key]: node.toJSON() }),
      });
    }
  }
  return tags;
}

/** Parses template text; short tags come back in their long JSON form. */
export function parseCfnYaml(text: string): unknown {
  return parse(text, { customTags: cfnTags(), maxAliasCount: -1 });
}

/** The parts of a template these tools look at; everything else passes through untyped. */
export const TemplateSchema = v.looseObject({
  Parameters: v.record(
    v.string(),
    v.looseObject({ Type: v.string(), Default: v.optional(v.unknown()) }),
  ),
  Conditions: v.optional(v.record(v.string(), v.unknown()), {}),
  Resources: v.record(
    v.string(),
    v.looseObject({
      Type: v.string(),
      Condition: v.optional(v.string()),
      Properties: v.optional(v.record(v.string(), v.unknown()), {}),
    }),
  ),
  Outputs: v.optional(v.record(v.string(), v.looseObject({ Value: v.unknown() })), {}),
});
export type Template = v.InferOutput<typeof TemplateSchema>;

/** The stack's template, beside this file. */
export const templatePath = fileURLToPath(new URL("./cloudformation.yaml", import.meta.url));

/** Reads and checks a template (the stack's own by default). */
export function readTemplate(path: string = templatePath): Template {
  const parsed = v.safeParse(TemplateSchema, parseCfnYaml(readFileSync(path, "utf8")));
  if (!parsed.success) throw new Error(`${path}: ${v.summarize(parsed.issues)}`);
  return parsed.output;
}
