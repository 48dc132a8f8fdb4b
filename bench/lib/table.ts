/** A plain-text table: columns of numbers right-aligned, text left-aligned. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  const numeric = header.map((_, i) =>
    rows.every((r) => typeof r[i] === "number" || r[i] === null || r[i] === undefined),
  );
  const cells = [header, ...rows].map((r) => r.map((c) => show(c)));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join("   ")
        .trimEnd(),
    )
    .join("\n");
}

/** A value as the table shows it: numbers with thousands separators, missing as "—". */
export function show(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number") return value.toLocaleString("en-US", { maximumFractionDigits: 3 });
  return String(value);
}
