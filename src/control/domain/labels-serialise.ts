import { defaultSpec, marker } from "./labels-types.ts";
import type { Spec } from "./spec.ts";

function range(min: number, max: number | null): string {
  return max === null ? `${min}` : `${min}+${max}`;
}

/**
 * The shortest label that parses back to `spec`: the marker, then each field that differs from
 * the default, in LABELS.md's key order.
 */
export function specToLabel(spec: Spec): string {
  const d = defaultSpec();
  const parts: string[] = [];
  if (spec.cpu.min !== d.cpu.min || spec.cpu.max !== d.cpu.max) {
    // `cpu=N` means N..2N, so that range needs no MAX (and 2N may exceed what MAX allows).
    parts.push(
      `cpu=${spec.cpu.max === spec.cpu.min * 2 ? spec.cpu.min : range(spec.cpu.min, spec.cpu.max)}`,
    );
  }
  if (spec.ramGiB !== null) parts.push(`ram=${range(spec.ramGiB.min, spec.ramGiB.max)}`);
  if (spec.arch !== null) parts.push(`arch=${spec.arch}`);
  if (spec.os !== d.os) parts.push(`os=${spec.os}`);
  if (spec.families !== null) parts.push(`family=${spec.families.join("+")}`);
  if (spec.gen !== null) parts.push(`gen=${spec.gen}`);
  if (spec.diskGiB !== null) parts.push(`disk=${spec.diskGiB}`);
  if (spec.pool !== null) parts.push(`pool=${spec.pool}`);
  if (spec.spot !== d.spot) parts.push(`spot=${spec.spot}`);
  if (spec.region !== null) parts.push(`region=${spec.region}`);
  if (spec.env !== d.env) parts.push(`env=${spec.env}`);
  if (spec.retry !== d.retry) parts.push(`retry=${spec.retry}`);
  if (spec.priority !== d.priority) parts.push(`priority=${spec.priority}`);
  if (spec.debugMinutes !== null) parts.push(`debug=${spec.debugMinutes}`);
  return [marker, ...parts].join("/");
}
