import { summariseErrors } from "./labels-bounds.ts";
import { parseLabels } from "./labels-parse.ts";
import type { LabelError, LabelOptions, LabelSource } from "./labels-types.ts";
import { resolveCandidates } from "./resolve.ts";
import type { Arch, Candidate, Spec } from "./spec.ts";

/** What intake needs: options for parsing, and spot prices when the caller has them. */
export interface ExplainOptions extends LabelOptions {
  /** Spot prices in the job's region, USD/hour by instance type. */
  spotPrices?: Readonly<Record<string, number>>;
}

/** A job's labels read and resolved: what to launch, or why nothing will be. */
export type Explanation =
  | ({
      outcome: "accepted";
      spec: Spec;
      /** The region resolution used: the label's, else the default. */
      region: string;
      /** The label's arch, or the cheaper one when the label left it open. */
      arch: Arch;
      candidates: Candidate[];
    } & LabelSource)
  | {
      outcome: "rejected";
      label: string;
      /** The parsed spec when the label was fine but no instance type satisfies it. */
      spec: Spec | null;
      errors: LabelError[];
    }
  | { outcome: "not-ours" };

/**
 * Parses a job's labels and resolves the spec into instance types. A job is rejected at intake
 * both for a bad label and for a spec no instance type can satisfy.
 */
export function explainLabels(labels: readonly string[], options: ExplainOptions): Explanation {
  const parsed = parseLabels(labels, options);
  if (parsed.outcome === "not-ours") return parsed;
  if (parsed.outcome === "rejected") return { ...parsed, spec: null };
  const { spec, label, token, alias } = parsed;
  const region = spec.region ?? options.defaultRegion;
  const resolved = resolveCandidates(spec, options.catalog, {
    region,
    ...(options.spotPrices === undefined ? {} : { spotPrices: options.spotPrices }),
  });
  if (!resolved.ok) return { outcome: "rejected", label, spec, errors: resolved.errors };
  const { arch, candidates } = resolved;
  return { outcome: "accepted", spec, label, token, alias, region, arch, candidates };
}

/**
 * One line for a job's stored `reason`: every distinct problem in the order found, a repeated
 * one said once with its count, so the reason stays bounded whatever the label.
 */
export function rejectionReason(errors: readonly LabelError[]): string {
  return summariseErrors(errors)
    .map((e) => e.message)
    .join("; ");
}
