import { SSM_STANDARD_MAX_BYTES, splitRunnerConfig } from "./runner-config.ts";

/**
 * How a serialised runner config is laid out over SSM parameters read by exact name: the first
 * parameter (`config`) starts with a line holding the number of parts, then the first part; a
 * second part, when there is one, is the whole value of `config-2`. The count lets the agent
 * ask for exactly the names that exist: the runner role may read only parameters tagged for its
 * own session, and a name that does not exist has no tag, so asking for one would be refused.
 */
const header = (count: number) => `${count}\n`;

/** Bytes of the first parameter taken by the count line. */
const HEADER_BYTES = 2;

/** The largest part, so the first one still fits the Standard tier with its count line. */
export const RUNNER_CONFIG_PART_MAX_BYTES = SSM_STANDARD_MAX_BYTES - HEADER_BYTES;

/** The parameter values for a serialised config, in name order: `config`, then `config-2`. */
export function encodeRunnerConfigParts(text: string): [string] | [string, string] {
  const parts = splitRunnerConfig(text, RUNNER_CONFIG_PART_MAX_BYTES);
  if (parts[1] === undefined) return [header(1) + parts[0]];
  return [header(2) + parts[0], parts[1]];
}

/** What the first parameter says: how many parts there are, and the first part. */
export type FirstRunnerConfigPart =
  | { ok: true; count: 1 | 2; text: string }
  | { ok: false; error: string };

/** Reads the count line of the first parameter's value. */
export function decodeFirstRunnerConfigPart(value: string): FirstRunnerConfigPart {
  const count = value.startsWith(header(1)) ? 1 : value.startsWith(header(2)) ? 2 : undefined;
  if (count === undefined)
    return { ok: false, error: "runner config does not start with its part count" };
  return { ok: true, count, text: value.slice(HEADER_BYTES) };
}
