import { type MetricSpec, metricCatalogue } from "./metric-catalogue.ts";

const cell = (s: string) => s.replaceAll("|", "\\|");

function statOf(spec: MetricSpec): string {
  if (spec.percentiles) return "p50/p95/p99";
  return spec.kind === "count" ? "Sum" : "Average";
}

/** The catalogue as the markdown table of `docs/metrics.md` (a test keeps the two equal). */
export function renderMetricTable(): string {
  const rows = Object.entries(metricCatalogue as Record<string, MetricSpec>).map(
    ([name, spec]) =>
      `| \`${cell(name)}\` | ${spec.kind} | ${spec.unit} | ${statOf(spec)} | ${
        spec.dimensions.length > 0 ? spec.dimensions.map((d) => `\`${d}\``).join(", ") : "—"
      } | ${cell(spec.description)} | ${spec.emittedBy
        .split(", ")
        .map((f) => `\`${f}\``)
        .join(", ")} |`,
  );
  return [
    "| metric | kind | unit | read as | dimensions | what it is | emitted by |",
    "|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
