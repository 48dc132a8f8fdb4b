import type { Candidate, Spec } from "../domain/spec.ts";

/** What intake learns from a job's labels. */
export type LabelResolution =
  | { kind: "not-ours" }
  | { kind: "rejected"; reason: string; spec: Spec | null }
  | { kind: "accepted"; spec: Spec; candidates: Candidate[] };

/** Turns a job's `runs-on` labels into a spec and candidate instance types. */
export type ResolveLabels = (labels: readonly string[]) => LabelResolution;
