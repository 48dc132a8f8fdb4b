import {
  defaultCatalog,
  type ExplainOptions,
  type Explanation,
  explainLabels,
  type LabelError,
} from "../control/domain/labels.ts";
import { clip, summariseErrors } from "../control/domain/labels-bounds.ts";
import type { Candidate, Spec } from "../control/domain/spec.ts";
import { formatExplanation } from "./format.ts";
import { type PriceView, pricesNotAsked } from "./price-view.ts";

/** What a command prints and how it exits. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Regions and environments the CLI knows until it reads a config file. */
export const cliDefaults = {
  regions: ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"],
  defaultRegion: "us-east-1",
  environments: ["default"],
} as const;

/** The `--json` form of a spec: every field, unset ones null, in LABELS.md's order. */
function specJson(spec: Spec) {
  return {
    cpu: { min: spec.cpu.min, max: spec.cpu.max },
    ramGiB: spec.ramGiB === null ? null : { min: spec.ramGiB.min, max: spec.ramGiB.max },
    arch: spec.arch,
    os: spec.os,
    families: spec.families,
    gen: spec.gen,
    diskGiB: spec.diskGiB,
    pool: spec.pool,
    spot: spec.spot,
    region: spec.region,
    env: spec.env,
    retry: spec.retry,
    priority: spec.priority,
    debugMinutes: spec.debugMinutes,
  };
}

/** A candidate's JSON: the original fields first, then its spot price (null when unknown). */
function candidateJson(c: Candidate, prices: PriceView) {
  const { instanceType, vcpu, memoryGiB, arch, onDemandUsdPerHour } = c;
  const spot = prices.byType[instanceType];
  return {
    instanceType,
    vcpu,
    memoryGiB,
    arch,
    onDemandUsdPerHour,
    spotUsdPerHour: spot?.usdPerHour ?? null,
    spotAz: spot?.az ?? null,
  };
}

/** Errors for a result that is not an accepted spec; repeats said once, long ones cut. */
export function errorsOf(result: Explanation): LabelError[] {
  if (result.outcome === "rejected") return summariseErrors(result.errors);
  if (result.outcome === "not-ours") {
    return [
      {
        key: null,
        message:
          "no label carries the runs-fleet marker and no alias matches: a job with these labels is not ours and is ignored",
      },
    ];
  }
  return [];
}

/** The options `explain` reads labels with: the CLI's defaults, `region` for unset regions. */
export function explainOptions(region: string): ExplainOptions {
  return {
    catalog: defaultCatalog,
    regions: cliDefaults.regions,
    defaultRegion: region,
    environments: cliDefaults.environments,
  };
}

/** A rejection for a `--region` that is not configured; null when it is. */
export function regionProblem(labels: readonly string[], region: string): Explanation | null {
  if ((cliDefaults.regions as readonly string[]).includes(region)) return null;
  return {
    outcome: "rejected",
    label: labels.join(" "),
    spec: null,
    errors: [
      {
        key: "region",
        message: `--region ${region} is not configured (regions: ${cliDefaults.regions.join(", ")})`,
      },
    ],
  };
}

/** `runs-fleet explain <label>... [--json] [--region R]`, without asking EC2 for spot prices. */
export function explainCommand(
  labels: readonly string[],
  flags: { json: boolean; region: string | undefined },
): CommandResult {
  const region = flags.region ?? cliDefaults.defaultRegion;
  const result = regionProblem(labels, region) ?? explainLabels(labels, explainOptions(region));
  return renderExplanation(result, flags.json, pricesNotAsked("spot prices not asked (offline)"));
}

/** What `explain` prints for an explanation and its prices, text or `--json`. */
export function renderExplanation(
  result: Explanation,
  json: boolean,
  prices: PriceView,
): CommandResult {
  const exitCode = result.outcome === "accepted" ? 0 : 2;
  if (json) {
    const body =
      result.outcome === "accepted"
        ? {
            ok: true,
            spec: specJson(result.spec),
            candidates: result.candidates.map((c) => candidateJson(c, prices)),
            spotPrices: { status: prices.status, region: prices.region, message: prices.message },
          }
        : { ok: false, errors: errorsOf(result) };
    return { exitCode, stdout: `${JSON.stringify(body, null, 2)}\n`, stderr: "" };
  }
  // The label is echoed in the heading: cut, as it may be of any length.
  const shown: Explanation =
    result.outcome === "rejected" ? { ...result, label: clip(result.label, 120) } : result;
  const text = formatExplanation(shown, errorsOf(result), prices);
  return result.outcome === "accepted"
    ? { exitCode, stdout: text, stderr: "" }
    : { exitCode, stdout: "", stderr: text };
}
