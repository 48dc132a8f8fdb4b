import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import { metricCatalogue } from "../domain/metric-catalogue.ts";
import type { Metrics, MetricsSummary } from "../ports/metrics.ts";

const names = Object.keys(metricCatalogue);
const SummaryQuery = v.object({
  name: v.optional(
    v.picklist(names, `must be a metric of the catalogue (${names.slice(0, 4).join(", ")}…)`),
  ),
});

/** True when the metrics port also keeps an in-process summary. */
export function hasSummary(m: Metrics | undefined): m is Metrics & MetricsSummary {
  return typeof (m as Partial<MetricsSummary> | undefined)?.summary === "function";
}

/**
 * `GET /api/metrics/summary[?name=…]`: what this process recorded, series by series (local
 * mode's metrics; on AWS the same figures, for this replica only, beside CloudWatch's).
 */
export function metricsRoutes(deps: { summary: MetricsSummary | undefined }) {
  const app = new Hono();
  app.get("/api/metrics/summary", (c) => {
    const q = v.safeParse(SummaryQuery, c.req.query());
    if (!q.success)
      throw new HTTPException(400, { message: `invalid query: ${v.summarize(q.issues)}` });
    const all = deps.summary?.summary() ?? [];
    const metrics = q.output.name ? all.filter((s) => s.name === q.output.name) : all;
    return c.json({ scope: "this process", metrics });
  });
  return app;
}
