import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import type { CostReports } from "../services/cost/cost-reports.ts";
import { datePattern } from "../services/cost/report-day.ts";
import { parseOr400 } from "./query.ts";

const Query = v.object({
  date: v.optional(v.pipe(v.string(), v.regex(datePattern, "must be YYYY-MM-DD"))),
  format: v.optional(v.picklist(["markdown", "json"], "must be markdown or json"), "markdown"),
});

/** True when `date` is a real calendar day (`2026-02-30` is not). */
const isRealDate = (date: string) => new Date(`${date}T00:00:00Z`).toISOString().startsWith(date);

/**
 * `GET /api/reports/cost?date=YYYY-MM-DD[&format=json]`: the cost report of a day (default:
 * today, up to now), built on demand. Reading changes nothing: it is neither stored nor sent.
 */
export function costRoutes(deps: { reports: CostReports }) {
  const app = new Hono();
  app.get("/api/reports/cost", async (c) => {
    const query = parseOr400(Query, c.req.query(), "query");
    const today = deps.reports.today();
    const date = query.date ?? today;
    if (!isRealDate(date)) throw new HTTPException(400, { message: `date ${date} does not exist` });
    if (date > today)
      throw new HTTPException(400, {
        message: `date ${date} is in the future (today is ${today})`,
      });
    const report = await deps.reports.build(date);
    if (query.format === "json")
      return c.json({ date, summary: report.summary, day: report.day, markdown: report.markdown });
    return c.body(report.markdown, 200, { "content-type": "text/markdown; charset=utf-8" });
  });
  return app;
}
