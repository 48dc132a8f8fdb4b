import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { NotFoundError } from "../domain/errors.ts";

/** Fault injection for local mode: what EC2 would do to an instance, on demand. */
export function localRoutes(deps: {
  compute: {
    interrupt(instanceId: string, kind?: "spot" | "rebalance"): void;
    kill(instanceId: string): void;
  };
}) {
  const app = new Hono();
  const act =
    (fn: (id: string) => void) =>
    async (c: { req: { param(n: string): string }; json(v: unknown, s?: 202): Response }) => {
      const id = c.req.param("instanceId");
      try {
        fn(id);
      } catch (err) {
        if (err instanceof NotFoundError) throw new HTTPException(404, { message: err.message });
        throw err;
      }
      return c.json({ ok: true, instanceId: id }, 202);
    };
  /** Announces a spot interruption (two-minute notice) on the instance's IMDS. */
  app.post(
    "/api/local/instances/:instanceId/interrupt",
    act((id) => deps.compute.interrupt(id, "spot")),
  );
  /** Announces a rebalance recommendation on the instance's IMDS. */
  app.post(
    "/api/local/instances/:instanceId/rebalance",
    act((id) => deps.compute.interrupt(id, "rebalance")),
  );
  /** Kills the instance's processes at once, as a crash or a pulled plug would. */
  app.post(
    "/api/local/instances/:instanceId/kill",
    act((id) => deps.compute.kill(id)),
  );
  return app;
}
