import { Hono } from "hono";
import type { Clock } from "../ports/clock.ts";

/** A dependency readiness probe. */
export interface Check {
  name: string;
  ping(): Promise<void>;
}

export interface HealthDeps {
  checks: readonly Check[];
  clock: Clock;
  startedAt: number;
  version: string;
  mode: string;
  /** How long a dependency may take before it counts as down. */
  timeoutMs?: number;
}

interface CheckResult {
  name: string;
  ok: boolean;
  latencyMs: number;
  error?: string;
}

async function runCheck(check: Check, timeoutMs: number, clock: Clock): Promise<CheckResult> {
  const start = clock.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      check.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { name: check.name, ok: true, latencyMs: clock.now() - start };
  } catch (err) {
    return {
      name: check.name,
      ok: false,
      latencyMs: clock.now() - start,
      error: err instanceof Error ? err.message : String(err),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** `/healthz` (alive), `/readyz` (dependencies answer), `/health` (details for people). */
export function healthRoutes(deps: HealthDeps) {
  const timeoutMs = deps.timeoutMs ?? 2000;
  const all = () => Promise.all(deps.checks.map((c) => runCheck(c, timeoutMs, deps.clock)));
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
