/**
 * The report step's check: every figure a benchmark section returned must be a measurement. A
 * figure that is null, NaN or infinite, a section that failed or was skipped, and a problem a
 * benchmark noted (jobs that never launched, answers that were not 202) each become one line
 * saying where and why, so a run that measured nothing cannot pass for one that did.
 */

/** Names an array element by its `variant` when it has one, so a line reads `latency.local`. */
function step(path: string, key: string | number, value: unknown): string {
  if (typeof key === "number") {
    const variant =
      typeof value === "object" && value !== null && "variant" in value ? value.variant : undefined;
    return `${path}[${typeof variant === "string" ? variant : key}]`;
  }
  return path === "" ? key : `${path}.${key}`;
}

function walk(value: unknown, path: string, out: string[]): void {
  if (value === null || value === undefined) {
    out.push(`${path}: not measured (no value)`);
    return;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) out.push(`${path}: not measured (${value})`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      walk(item, step(path, i, item), out);
    });
    return;
  }
  if (typeof value !== "object") return;
  for (const [key, item] of Object.entries(value)) {
    if (key === "error" && typeof item === "string") out.push(`${path}: failed: ${item}`);
    else if (key === "skipped" && typeof item === "string") out.push(`${path}: skipped: ${item}`);
    else if (key === "problems" && Array.isArray(item))
      for (const problem of item) out.push(`${path}: ${String(problem)}`);
    else walk(item, step(path, key, item), out);
  }
}

/**
 * One line per figure in `sections` that could not be measured, `where: why`; empty when every
 * figure was. `sections` maps a section name to what its benchmark returned.
 */
export function unmeasured(sections: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const [name, figures] of Object.entries(sections)) {
    if (figures !== undefined) walk(figures, name, out);
  }
  return out;
}
