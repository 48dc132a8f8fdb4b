import { Hono } from "hono";
import type { SloService } from "../services/slo/slo-service.ts";

/**
 * `GET /api/slo`: each SLO's indicator, error budget left and last-hour burn rate, computed from
 * the jobs table (docs/slo.md). Reading changes nothing but the SLO metrics it records.
 */
export function sloRoutes(deps: { slo: SloService }) {
  const app = new Hono();
  app.get("/api/slo", async (c) => {
    const report = await deps.slo.report();
    // JSON has no infinity: an unbounded burn (a 100 % objective missed) is sent as null.
    const slos = report.slos.map((s) => ({
      ...s,
      burnRate: Number.isFinite(s.burnRate) ? s.burnRate : null,
      burnRateLastHour: Number.isFinite(s.burnRateLastHour) ? s.burnRateLastHour : null,
    }));
    return c.json({ ...report, slos });
  });
  return app;
}
