import type { LabelError } from "./labels-types.ts";

// A job record must fit DynamoDB's 400 KB item with room to spare, and a reason must stay
// readable; labels come from workflow files anyone can write, so every echo of them is bounded.

/** Most bytes (UTF-8) a job's labels may total to be taken as they are: 16 KiB. */
export const maxLabelBytes = 16 * 1024;
/** Labels an oversized job keeps, each cut to `keptLabelChars`. */
export const keptLabels = 8;
export const keptLabelChars = 256;
/** Distinct problems a reason lists before it says how many more there are. */
export const maxReasonProblems = 8;
/** Longest a stored reason may be. */
export const maxReasonChars = 1500;
/** Longest a single problem may be. */
export const maxProblemChars = 300;

const count = (n: number) => n.toLocaleString("en-US");

/** `text` cut to at most `max` characters (never inside a surrogate pair), marked with "…". */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** A value echoed in a message: quoted, and cut with its length told when it is long. */
export function shown(raw: string, max = 64): string {
  return raw.length <= max ? `"${raw}"` : `"${clip(raw, max)}" (${count(raw.length)} characters)`;
}

/** The UTF-8 size of a job's labels, all together. */
export function labelBytes(labels: readonly string[]): number {
  const encoder = new TextEncoder();
  return labels.reduce((sum, label) => sum + encoder.encode(label).length, 0);
}

/** Why a job's labels are too large to take, or null when they fit. */
export function oversizedLabels(labels: readonly string[]): string | null {
  const bytes = labelBytes(labels);
  if (bytes <= maxLabelBytes) return null;
  const n = labels.length;
  return `labels are too large: ${count(n)} label${n === 1 ? "" : "s"} of ${count(bytes)} bytes in all (at most ${count(maxLabelBytes)})`;
}

/**
 * The labels a job record keeps: all of them when they fit, else the first few, each cut, and a
 * last entry saying how many more there were.
 */
export function storedLabels(labels: readonly string[]): string[] {
  if (oversizedLabels(labels) === null) return [...labels];
  const kept = labels.slice(0, keptLabels).map((label) => clip(label, keptLabelChars));
  const more = labels.length - kept.length;
  return more > 0 ? [...kept, `… and ${count(more)} more labels`] : kept;
}

/**
 * Problems as a reason lists them: a problem found many times is said once with how many more
 * there were, each is cut to a readable length, and past a few the rest are counted.
 */
export function summariseErrors(errors: readonly LabelError[]): LabelError[] {
  const groups = new Map<string, { error: LabelError; times: number }>();
  for (const error of errors) {
    const id = `${error.key ?? ""}\u0000${error.message}`;
    const group = groups.get(id);
    if (group) group.times += 1;
    else groups.set(id, { error, times: 1 });
  }
  const distinct = [...groups.values()].map(({ error, times }) => {
    const message = clip(error.message, maxProblemChars);
    return times === 1
      ? { ...error, message }
      : { ...error, message: `${message} (and ${count(times - 1)} more like it)` };
  });
  if (distinct.length <= maxReasonProblems) return distinct;
  const more = distinct.length - maxReasonProblems;
  return [
    ...distinct.slice(0, maxReasonProblems),
    { key: null, message: `and ${count(more)} more problem${more === 1 ? "" : "s"}` },
  ];
}
