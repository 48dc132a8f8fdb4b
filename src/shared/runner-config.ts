import * as v from "valibot";
import { EVENT_KEY_PATTERN } from "./event-signature.ts";

/**
 * The instance's event key (see `event-signature.ts`): the agent signs every event with it.
 * Written as the config's first property, so it sits in the first SSM part, where the
 * bootstrap script finds it to sign `bootstrap_failed`.
 */
const eventKey = v.optional(v.pipe(v.string(), v.regex(EVENT_KEY_PATTERN, "is not an event key")));

/**
 * Minutes to keep the instance after the job (the label's `debug=`), for SSH or Session
 * Manager; absent: end at once. Bounded here too, so a bad value cannot hold an instance long.
 */
const debugMinutes = v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(120)));

/**
 * What an instance needs to start its runner, written by the control plane into the runner
 * config store and read once by the agent. It holds secrets (JIT config or registration token,
 * event key): never log it.
 */
export const RunnerConfigSchema = v.variant("kind", [
  v.object({
    eventKey,
    debugMinutes,
    kind: v.literal("jit"),
    jobId: v.string(),
    runnerName: v.string(),
    /** GitHub's `encoded_jit_config`, passed to `run.sh --jitconfig`. */
    encodedJitConfig: v.pipe(v.string(), v.minLength(1)),
  }),
  v.object({
    eventKey,
    debugMinutes,
    kind: v.literal("registration"),
    jobId: v.string(),
    runnerName: v.string(),
    /** Repository or organisation URL for `config.sh --url`. */
    url: v.pipe(v.string(), v.url()),
    token: v.pipe(v.string(), v.minLength(1)),
    labels: v.array(v.string()),
    runnerGroup: v.optional(v.string()),
  }),
  v.object({
    eventKey,
    debugMinutes,
    kind: v.literal("dry-run"),
    jobId: v.string(),
    runnerName: v.string(),
    /** How long the simulated job runs. */
    durationSeconds: v.pipe(v.number(), v.minValue(0)),
    /** How the simulated job ends. */
    outcome: v.optional(v.picklist(["success", "failure"]), "success"),
  }),
]);
export type RunnerConfig = v.InferOutput<typeof RunnerConfigSchema>;

/** SSM Standard-tier parameters hold at most 4 KB. */
export const SSM_STANDARD_MAX_BYTES = 4096;

/**
 * SSM layout: `<prefix>/runners/<instanceId>/config` always exists once the config is complete;
 * a value over 4 KB is split, the rest in `<prefix>/runners/<instanceId>/config-2`. Writers put
 * `config-2` first and `config` last, so a reader that finds `config` finds every part.
 */
export function runnerConfigParameterNames(instanceId: string, prefix = "/runs-fleet") {
  const dir = `${prefix}/runners/${instanceId}`;
  return { dir, first: `${dir}/config`, second: `${dir}/config-2` };
}

/** Splits a serialised config into at most two parts of at most `max` UTF-8 bytes each. */
export function splitRunnerConfig(
  value: string,
  max = SSM_STANDARD_MAX_BYTES,
): [string] | [string, string] {
  const bytes = new TextEncoder().encode(value);
  if (bytes.length <= max) return [value];
  if (bytes.length > 2 * max) {
    throw new RangeError(
      `runner config is ${bytes.length} bytes; at most ${2 * max} fit in two parameters`,
    );
  }
  // Split on a character boundary: JSON of ASCII base64 is the norm, but stay correct for any text.
  let cut = 0;
  let size = 0;
  for (const ch of value) {
    const n = new TextEncoder().encode(ch).length;
    if (size + n > max) break;
    size += n;
    cut += ch.length;
  }
  return [value.slice(0, cut), value.slice(cut)];
}

/** Parses a stored runner config (joined parts) into a typed value, or explains why not. */
export function parseRunnerConfig(
  text: string,
): { ok: true; config: RunnerConfig } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: "runner config is not valid JSON" };
  }
  const parsed = v.safeParse(RunnerConfigSchema, raw);
  if (!parsed.success) {
    return { ok: false, error: `runner config is invalid: ${v.summarize(parsed.issues)}` };
  }
  return { ok: true, config: parsed.output };
}
