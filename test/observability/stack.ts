import { readFileSync } from "node:fs";
import { parseCfnYaml, templatePath } from "../../deploy/cfn-yaml.ts";
import { dimensionSets, metricSpec } from "../../src/control/domain/metric-catalogue.ts";

type Resource = { Type: string; Properties: Record<string, unknown> };

/** The stack's resources, short tags in their long form. */
export function stackResources(): Record<string, Resource> {
  const t = parseCfnYaml(readFileSync(templatePath, "utf8")) as {
    Resources: Record<string, Resource>;
  };
  return t.Resources;
}

/** `${name}` as `!Sub` writes it (spelt out so no linter takes it for a template slip). */
export const subRef = (name: string) => ["$", "{", name, "}"].join("");

/** A `!Sub` string with the stack's pseudo parameters and `Prefix` filled in. */
export function substitute(value: unknown, prefix = "runs-fleet-", region = "us-east-1"): string {
  const text = (value as { "Fn::Sub": string })["Fn::Sub"];
  return text.replaceAll(subRef("Prefix"), prefix).replaceAll(subRef("AWS::Region"), region);
}

/** The dashboard body as CloudWatch receives it. */
export function dashboardBody(prefix = "runs-fleet-"): {
  widgets: Array<{ x: number; y: number; properties: { metrics: unknown[][] } }>;
} {
  return JSON.parse(substitute(stackResources().Dashboard?.Properties.DashboardBody, prefix));
}

/**
 * Why a metric reference does not fit the catalogue (null when it does): the name must be
 * catalogued and its dimensions one of the sets the code emits (with `prefix`).
 */
export function misfit(name: string, dims: readonly string[]): string | null {
  const spec = metricSpec(name);
  if (!spec) return `${name} is not in the metric catalogue`;
  const want = [...dims].sort().join(",");
  const sets = dimensionSets(spec, ["prefix"]).map((s) => [...s].sort().join(","));
  return sets.includes(want)
    ? null
    : `${name} is emitted with {${sets.join("} or {")}}, not {${want}}`;
}
