import { shown } from "./labels-bounds.ts";
import { closest } from "./labels-suggest.ts";
import { defaultSpec, type LabelError, type LabelOptions } from "./labels-types.ts";
import { type LabelKey, labelKeys, valueParsers } from "./labels-values.ts";
import type { Spec } from "./spec.ts";

/** Words people reach for that mean one of our keys, for the did-you-mean hint. */
const synonyms: Readonly<Record<string, LabelKey>> = {
  cores: "cpu",
  memory: "ram",
  mem: "ram",
  architecture: "arch",
  platform: "os",
  generation: "gen",
  volume: "disk",
  environment: "env",
};

function isLabelKey(key: string): key is LabelKey {
  return (labelKeys as readonly string[]).includes(key);
}

function unknownKey(key: string): string {
  const guess = Object.hasOwn(synonyms, key.toLowerCase())
    ? synonyms[key.toLowerCase()]
    : closest(key, labelKeys);
  return guess === undefined || guess === null
    ? `unknown key ${shown(key)} (keys: ${labelKeys.join(", ")})`
    : `unknown key ${shown(key)} — did you mean "${guess}"?${guess === key.toLowerCase() ? " (keys are lower case)" : ""}`;
}

/**
 * Parses the `key=value` parts of a label (what follows the marker, split at "/") into a spec,
 * collecting every problem rather than stopping at the first.
 */
export function parseSpecParts(
  parts: readonly string[],
  options: LabelOptions,
): { ok: true; spec: Spec } | { ok: false; errors: LabelError[] } {
  const errors: LabelError[] = [];
  const seen = new Set<string>();
  let spec = defaultSpec();
  for (const part of parts) {
    const eq = part.indexOf("=");
    if (part === "") {
      errors.push({ key: null, message: `empty part between "/" separators` });
      continue;
    }
    if (eq < 0) {
      errors.push({ key: null, message: `expected key=value, got ${shown(part)}` });
      continue;
    }
    const key = part.slice(0, eq);
    const raw = part.slice(eq + 1);
    if (!isLabelKey(key)) {
      errors.push({ key, message: unknownKey(key) });
      continue;
    }
    if (seen.has(key)) {
      errors.push({ key, message: `key ${shown(key)} is given more than once` });
      continue;
    }
    seen.add(key);
    const value = valueParsers[key](raw, options);
    if (value.ok) spec = { ...spec, ...value.patch };
    else errors.push(...value.messages.map((message) => ({ key, message })));
  }
  if (spec.os === "windows" && spec.arch === "arm64") {
    errors.push({
      key: "arch",
      message: "os=windows runs on amd64 only; arch=arm64 is not allowed",
    });
  }
  if (spec.debugMinutes !== null && spec.pool !== null) {
    // A pool instance goes back to standby after its job: one someone has been logged in to
    // must not take the next job, so the two do not mix.
    errors.push({
      key: "debug",
      message: "debug= cannot be combined with pool= (a pool instance serves further jobs)",
    });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, spec };
}
