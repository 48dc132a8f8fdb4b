import type { Alias } from "./aliases.ts";
import type { Catalog } from "./catalog.ts";
import type { Spec } from "./spec.ts";

/** The marker that makes a `runs-on` label ours (LABELS.md). */
export const marker = "runs-fleet";

/** One problem with a label: the key it concerns (null for the label as a whole) and why. */
export interface LabelError {
  key: string | null;
  message: string;
}

/** What parsing needs to know about this installation; built once from config. */
export interface LabelOptions {
  /** Instance types; `family=` values must name families in it. */
  catalog: Catalog;
  /** Regions `region=` may name. */
  regions: readonly string[];
  /** Region used when the label sets none (used by resolution; `spec.region` stays null). */
  defaultRegion: string;
  /** Environments `env=` may name. */
  environments: readonly string[];
  /** Foreign labels mapped to a spec; consulted only when no label carries the marker. */
  aliases?: readonly Alias[];
}

/** Where an accepted spec came from. */
export interface LabelSource {
  /** The label that was parsed (the marker label, or the label an alias matched). */
  label: string;
  /** The token of the legacy `runs-fleet=<token>` form, kept as written; null otherwise. */
  token: string | null;
  /** The alias (its `match` text or `regex` source) that mapped the label; null for the marker. */
  alias: string | null;
}

/** The outcome of reading a job's labels. */
export type LabelParse =
  | ({ outcome: "parsed"; spec: Spec } & LabelSource)
  | { outcome: "rejected"; label: string; errors: LabelError[] }
  | { outcome: "not-ours" };

/** The spec of a bare `runs-fleet` label. */
export function defaultSpec(): Spec {
  return {
    cpu: { min: 2, max: 4 },
    ramGiB: null,
    arch: null,
    os: "linux",
    families: null,
    gen: null,
    diskGiB: null,
    pool: null,
    spot: true,
    region: null,
    env: "default",
    retry: "when-interrupted",
    priority: "normal",
    debugMinutes: null,
  };
}

/** Root volume sizes used when a label has no `disk=` (the caller applies them). */
export const defaultDiskGiB = { linux: 40, windows: 80 } as const;

/** The root volume size for `spec`: the label's `disk=`, else the configured default for its OS. */
export function rootVolumeGiB(
  spec: Spec,
  defaults: { linux: number; windows: number } = defaultDiskGiB,
): number {
  return spec.diskGiB ?? defaults[spec.os];
}
