import { matchAlias } from "./aliases.ts";
import { shown } from "./labels-bounds.ts";
import { parseSpecParts } from "./labels-spec.ts";
import { type LabelOptions, type LabelParse, marker } from "./labels-types.ts";

/** The parts of a marker label, or null when the label carries no marker. */
function splitMarker(label: string): { token: string | null; parts: string[] } | null {
  // GitHub matches runner labels case-insensitively, so `Runs-Fleet/…` is meant for us too;
  // ignoring it would leave the job queued forever with no word why.
  const head = label.slice(0, marker.length).toLowerCase();
  if (head !== marker) return null;
  const rest = label.slice(marker.length);
  if (rest === "") return { token: null, parts: [] };
  if (rest.startsWith("/")) return { token: null, parts: rest.slice(1).split("/") };
  if (!rest.startsWith("=")) return null;
  const slash = rest.indexOf("/");
  return slash < 0
    ? { token: rest.slice(1), parts: [] }
    : { token: rest.slice(1, slash), parts: rest.slice(slash + 1).split("/") };
}

/**
 * Reads a job's `runs-on` labels (LABELS.md): the one marker label, or else the first alias that
 * matches. Never throws: every outcome, including every problem found, is in the result.
 */
export function parseLabels(labels: readonly string[], options: LabelOptions): LabelParse {
  const trimmed = labels.map((label) => label.trim());
  const marked = trimmed.flatMap((label) => {
    const parts = splitMarker(label);
    return parts === null ? [] : [{ label, ...parts }];
  });
  const [first, ...others] = marked;
  if (first !== undefined && others.length > 0) {
    // Named, but only a few and each cut: there may be thousands, each of any length.
    const few = marked.slice(0, 3).map((m) => shown(m.label, 40));
    const rest = marked.length - few.length;
    const names =
      rest > 0 ? `${few.join(", ")} and ${rest.toLocaleString("en-US")} more` : few.join(", ");
    return {
      outcome: "rejected",
      label: first.label,
      errors: [
        { key: null, message: `more than one label carries the runs-fleet marker: ${names}` },
      ],
    };
  }
  if (first !== undefined) {
    if (first.token === "") {
      return {
        outcome: "rejected",
        label: first.label,
        errors: [{ key: null, message: `"runs-fleet=" needs a token, e.g. runs-fleet=<run id>` }],
      };
    }
    const parsed = parseSpecParts(first.parts, options);
    return parsed.ok
      ? {
          outcome: "parsed",
          spec: parsed.spec,
          label: first.label,
          token: first.token,
          alias: null,
        }
      : { outcome: "rejected", label: first.label, errors: parsed.errors };
  }
  const hit = matchAlias(trimmed, options.aliases ?? []);
  if (hit === null) return { outcome: "not-ours" };
  const parsed = parseSpecParts(hit.specText === "" ? [] : hit.specText.split("/"), options);
  if (parsed.ok) {
    return {
      outcome: "parsed",
      spec: parsed.spec,
      label: hit.label,
      token: null,
      alias: hit.alias,
    };
  }
  // The label is fine as far as its author knows; the fault is in the alias, so say which.
  const suffix = ` (alias "${hit.alias}" → "${hit.specText}")`;
  return {
    outcome: "rejected",
    label: hit.label,
    errors: parsed.errors.map((e) => ({ key: e.key, message: `${e.message}${suffix}` })),
  };
}
