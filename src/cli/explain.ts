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

function candidateJson(c: Candidate) {
  const { instanceType, vcpu, memoryGiB, arch, onDemandUsdPerHour } = c;
  return { instanceType, vcpu, memoryGiB, arch, onDemandUsdPerHour };
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

/** `runs-fleet explain <label>... [--json] [--region R]`. */
export function explainCommand(
  labels: readonly string[],
  flags: { json: boolean; region: string | undefined },
): CommandResult {
  const region = flags.region ?? cliDefaults.defaultRegion;
  const options: ExplainOptions = {
    catalog: defaultCatalog,
    regions: cliDefaults.regions,
    defaultRegion: region,
    environments: cliDefaults.environments,
  };
  const result: Explanation = (cliDefaults.regions as readonly string[]).includes(region)
    ? explainLabels(labels, options)
    : {
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
  const exitCode = result.outcome === "accepted" ? 0 : 2;
  if (flags.json) {
    const body =
      result.outcome === "accepted"
        ? {
            ok: true,
            spec: specJson(result.spec),
            candidates: result.candidates.map(candidateJson),
          }
        : { ok: false, errors: errorsOf(result) };
    return { exitCode, stdout: `${JSON.stringify(body, null, 2)}\n`, stderr: "" };
  }
  // The label is echoed in the heading: cut, as it may be of any length.
  const shown: Explanation =
    result.outcome === "rejected" ? { ...result, label: clip(result.label, 120) } : result;
  const text = formatExplanation(shown, errorsOf(result));
  return result.outcome === "accepted"
    ? { exitCode, stdout: text, stderr: "" }
    : { exitCode, stdout: "", stderr: text };
}
