import * as v from "valibot";
import { catalogFamilies } from "./catalog.ts";
import { clip, shown } from "./labels-bounds.ts";
import { closest } from "./labels-suggest.ts";
import type { LabelOptions } from "./labels-types.ts";
import { maxDebugMinutes, type Spec } from "./spec.ts";

/** Every key a label may carry, in the order LABELS.md lists them. */
export const labelKeys = [
  "cpu",
  "ram",
  "arch",
  "os",
  "family",
  "gen",
  "disk",
  "pool",
  "spot",
  "region",
  "env",
  "retry",
  "priority",
  "debug",
] as const;
export type LabelKey = (typeof labelKeys)[number];

/** The fields one `key=value` sets, or why the value is not allowed. */
export type ValueResult = { ok: true; patch: Partial<Spec> } | { ok: false; messages: string[] };

const PoolSchema = v.pipe(v.string(), v.regex(/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/));
const EnvSchema = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,31}$/));
const wholeNumber = /^\d+$/;
const decimalNumber = /^\d+(\.\d+)?$/;

const ok = (patch: Partial<Spec>): ValueResult => ({ ok: true, patch });
const bad = (...messages: string[]): ValueResult => ({ ok: false, messages });

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** `N` or `MIN+MAX` within [lo, hi]; `N` alone yields max null. */
function range(
  key: string,
  raw: string,
  pattern: RegExp,
  lo: number,
  hi: number,
  allowed: string,
): Parsed<{ min: number; max: number | null }> {
  const parts = raw.split("+");
  const [min, max] = parts.map(Number);
  if (parts.length > 2 || !parts.every((part) => pattern.test(part)) || min === undefined) {
    return { ok: false, message: `${key} must be N or MIN+MAX, ${allowed} (got ${shown(raw)})` };
  }
  for (const [i, n] of [min, max].entries()) {
    if (n !== undefined && (n < lo || n > hi)) {
      // The text as written: a long run of digits reads as Infinity once it is a number.
      const written = parts[i] ?? "";
      const got = written.length <= 64 ? written : shown(written);
      return { ok: false, message: `${key} must be between ${lo} and ${hi} (got ${got})` };
    }
  }
  if (max !== undefined && max < min) {
    return { ok: false, message: `${key}=${clip(raw, 64)}: MAX (${max}) is below MIN (${min})` };
  }
  return { ok: true, value: { min, max: max ?? null } };
}

/** A case-insensitive enum: accepted spellings mapped to the stored value. */
function choice<T>(
  key: string,
  raw: string,
  spellings: ReadonlyMap<string, T>,
  allowed: string,
): Parsed<T> {
  // A Map, not an object literal, so `constructor` or `__proto__` are not values.
  const value = spellings.get(raw.toLowerCase());
  return value === undefined
    ? { ok: false, message: `${key} must be ${allowed} (got ${shown(raw)})` }
    : { ok: true, value };
}

function result<T>(parsed: Parsed<T>, patch: (value: T) => Partial<Spec>): ValueResult {
  return parsed.ok ? ok(patch(parsed.value)) : bad(parsed.message);
}

/** Spellings of an enum whose values are their own only spelling. */
function same<const T extends string>(...values: T[]): ReadonlyMap<string, T> {
  return new Map(values.map((value) => [value, value]));
}

const archSpellings = new Map([
  ["arm64", "arm64"],
  ["aarch64", "arm64"],
  ["amd64", "amd64"],
  ["x64", "amd64"],
  ["x86_64", "amd64"],
] as const);

function families(raw: string, options: LabelOptions): ValueResult {
  const names = raw.split("+").map((name) => name.toLowerCase());
  if (names.some((name) => name === "")) {
    return bad(
      `family must be one or more families joined by "+", e.g. family=c7g+m7g (got ${shown(raw)})`,
    );
  }
  const known = catalogFamilies(options.catalog);
  const problems = names
    .filter((name) => !known.includes(name))
    .map((name) => {
      const guess = closest(name, known);
      return guess === null
        ? `family ${shown(name)} is not in the catalog (families: ${known.join(", ")})`
        : `family ${shown(name)} is not in the catalog — did you mean "${guess}"?`;
    });
  if (problems.length > 0) return bad(...problems);
  return ok({ families: [...new Set(names)] });
}

function region(raw: string, options: LabelOptions): ValueResult {
  const name = raw.toLowerCase();
  if (options.regions.includes(name)) return ok({ region: name });
  return bad(`region ${shown(raw)} is not configured (regions: ${options.regions.join(", ")})`);
}

function env(raw: string, options: LabelOptions): ValueResult {
  const name = raw.toLowerCase();
  if (!v.is(EnvSchema, name))
    return bad(`env must match ^[a-z][a-z0-9-]{0,31}$ (got ${shown(raw)})`);
  if (options.environments.includes(name)) return ok({ env: name });
  return bad(
    `env ${shown(name)} is not configured (environments: ${options.environments.join(", ")})`,
  );
}

/** Parses the value of each key into the spec fields it sets. */
export const valueParsers: Record<LabelKey, (raw: string, options: LabelOptions) => ValueResult> = {
  cpu: (raw) =>
    result(range("cpu", raw, wholeNumber, 1, 192, "whole vCPUs 1–192"), (r) => ({
      // `N` asks for N..2N so the fleet can fall back to the next size up.
      cpu: { min: r.min, max: r.max ?? r.min * 2 },
    })),
  ram: (raw) =>
    result(range("ram", raw, decimalNumber, 0.5, 1536, "GiB 0.5–1536, decimals allowed"), (r) => ({
      ramGiB: r,
    })),
  arch: (raw) =>
    result(
      choice("arch", raw, archSpellings, "arm64 (aarch64) or amd64 (x64, x86_64)"),
      (arch) => ({
        arch,
      }),
    ),
  os: (raw) =>
    result(choice("os", raw, same("linux", "windows"), "linux or windows"), (os) => ({ os })),
  family: families,
  gen: (raw) => {
    const n = wholeNumber.test(raw) ? Number(raw) : Number.NaN;
    if (n >= 1 && n <= 10) return ok({ gen: n });
    return bad(`gen must be a whole number 1–10 (got ${shown(raw)})`);
  },
  disk: (raw) => {
    const n = wholeNumber.test(raw) ? Number(raw) : Number.NaN;
    if (n >= 1 && n <= 16384) return ok({ diskGiB: n });
    return bad(`disk must be a whole number of GiB 1–16384 (got ${shown(raw)})`);
  },
  pool: (raw) =>
    v.is(PoolSchema, raw)
      ? ok({ pool: raw })
      : bad(`pool must match ^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$ (got ${shown(raw)})`),
  spot: (raw) =>
    result(choice("spot", raw, same("true", "false"), "true or false"), (spot) => ({
      spot: spot === "true",
    })),
  region,
  env,
  retry: (raw) =>
    result(
      choice("retry", raw, same("when-interrupted", "false"), "when-interrupted or false"),
      (retry) => ({ retry }),
    ),
  priority: (raw) =>
    result(choice("priority", raw, same("low", "normal", "high"), "low, normal or high"), (p) => ({
      priority: p,
    })),
  debug: (raw) => {
    const n = wholeNumber.test(raw) ? Number(raw) : Number.NaN;
    if (n >= 1 && n <= maxDebugMinutes) return ok({ debugMinutes: n });
    return bad(
      `debug must be a whole number of minutes 1–${maxDebugMinutes} to keep the instance after its job (got ${shown(raw)})`,
    );
  },
};
