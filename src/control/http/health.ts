import { Hono } from "hono";
import type { Clock } from "../ports/clock.ts";
import { type Check, createProbe } from "./health-probe.ts";

export type { Check, CheckResult, CheckState } from "./health-probe.ts";

export interface HealthDeps {
  checks: readonly Check[];
  clock: Clock;
  startedAt: number;
  version: string;
  mode: string;
  /** How long a request waits for a dependency before reporting it slow (default 2 s). */
  timeoutMs?: number;
  /**
   * How long after its last good answer a slow dependency still counts as up (default 30 s):
   * readiness fails when a dependency is down, not when it is busy for a moment.
   */
  staleAfterMs?: number;
}

/** `/healthz` (alive), `/readyz` (dependencies answer), `/health` (details for people). */
export function healthRoutes(deps: HealthDeps) {
  const options = {
    timeoutMs: deps.timeoutMs ?? 2000,
    staleAfterMs: deps.staleAfterMs ?? 30_000,
    clock: deps.clock,
  };
  const probes = deps.checks.map((check) => createProbe(check, options));
  const all = () => Promise.all(probes.map((probe) => probe()));
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ ok: true }));
  app.get("/readyz", async (c) => {
    const results = await all();
    const ok = results.every((r) => r.ok);
    return c.json({ ok, checks: results }, ok ? 200 : 503);
  });
  app.get("/health", async (c) => {
    const results = await all();
    const ok = results.every((r) => r.ok);
    return c.json(
      {
        ok,
        version: deps.version,
        mode: deps.mode,
        uptimeSeconds: Math.round((deps.clock.now() - deps.startedAt) / 1000),
        checks: results,
      },
      ok ? 200 : 503,
    );
  });
  return app;
}
