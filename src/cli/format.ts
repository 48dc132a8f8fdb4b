import {
  defaultCatalog,
  defaultDiskGiB,
  defaultFamilies,
  type Explanation,
  type LabelError,
} from "../control/domain/labels.ts";
import type { Spec } from "../control/domain/spec.ts";
import type { PriceView } from "./price-view.ts";

type Accepted = Extract<Explanation, { outcome: "accepted" }>;

function range(min: number, max: number | null, unit: string): string {
  if (max === null) return `${min} ${unit} or more`;
  return min === max ? `${min} ${unit}` : `${min}–${max} ${unit}`;
}

/** Each spec field as a person reads it, defaults spelled out. */
function specRows(result: Accepted): [string, string][] {
  const s: Spec = result.spec;
  return [
    ["cpu", range(s.cpu.min, s.cpu.max, "vCPU")],
    ["ram", s.ramGiB === null ? "any" : range(s.ramGiB.min, s.ramGiB.max, "GiB")],
    ["arch", s.arch ?? `${result.arch} (chosen; the label sets none)`],
    ["os", s.os],
    ["family", s.families?.join(" ") ?? `default (${defaultFamilies[result.arch].join(" ")})`],
    ["gen", s.gen === null ? "any" : String(s.gen)],
    ["disk", s.diskGiB === null ? `default (${defaultDiskGiB[s.os]} GiB)` : `${s.diskGiB} GiB`],
    ["pool", s.pool ?? "none"],
    ["spot", s.spot ? "true" : "false (on-demand)"],
    ["region", s.region ?? `${result.region} (default)`],
    ["env", s.env],
    ["retry", s.retry],
    ["priority", s.priority],
    [
      "debug",
      s.debugMinutes === null ? "none" : `kept ${s.debugMinutes} min after the job (SSH / SSM)`,
    ],
  ];
}

function table(rows: string[][], rightAligned: readonly boolean[]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((row) =>
    row
      .map((cell, i) =>
        rightAligned[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd(),
  );
}

/** The line under the table: where the spot prices came from, or plainly why there are none. */
function priceNote(prices: PriceView, region: string): string {
  if (prices.status === "ok")
    return `Spot prices from EC2 in ${prices.region ?? region} now, cheapest AZ; spot candidates are ordered by them.`;
  if (prices.status === "unavailable")
    return `Spot prices unavailable: ${prices.message ?? "EC2 did not answer"}.\nCandidates are in on-demand list-price order.`;
  return `Spot prices not shown: ${prices.message ?? "not asked"}.`;
}

/** A readable account of an explanation: the spec and candidates, or what is wrong. */
export function formatExplanation(
  result: Explanation,
  errors: readonly LabelError[],
  prices: PriceView,
): string {
  if (result.outcome !== "accepted") {
    const head = result.outcome === "rejected" ? `rejected: ${result.label}` : "not ours";
    const lines = errors.map((e) => `  ${e.key === null ? "" : `${e.key}: `}${e.message}`);
    return `${[head, ...lines].join("\n")}\n`;
  }
  const spec = specRows(result).map(([k, v]) => `  ${k.padEnd(9)} ${v}`);
  const source = result.alias === null ? "" : ` (alias "${result.alias}")`;
  const n = result.candidates.length;
  const spot = prices.status === "ok";
  const rows = [
    [
      "INSTANCE TYPE",
      "VCPU",
      "MEMORY GiB",
      "ON-DEMAND USD/H",
      ...(spot ? ["SPOT USD/H", "AZ"] : []),
    ],
    ...result.candidates.map((c) => {
      const quote = prices.byType[c.instanceType];
      return [
        c.instanceType,
        String(c.vcpu),
        String(c.memoryGiB),
        c.onDemandUsdPerHour === null ? "unknown" : c.onDemandUsdPerHour.toFixed(5),
        ...(spot ? [quote ? quote.usdPerHour.toFixed(5) : "none", quote?.az ?? ""] : []),
      ];
    }),
  ];
  return [
    `${result.label}${source}`,
    "",
    ...spec,
    "",
    `${n} candidate${n === 1 ? "" : "s"} (${result.arch}, ${result.region}); the first is the primary type:`,
    "",
    ...table(rows, [false, true, true, true, true, false]).map((line) => `  ${line}`),
    "",
    `On-demand list prices as of ${defaultCatalog.pricesAsOf}, ${result.spec.os}.`,
    priceNote(prices, result.region),
    "",
  ].join("\n");
}
