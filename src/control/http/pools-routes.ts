import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import { poolNamePattern } from "../domain/pool-config.ts";
import type { PoolManager } from "../services/pools/pool-manager.ts";
import { parseOr400 } from "./query.ts";

const PoolName = v.pipe(v.string(), v.regex(poolNamePattern, "is not a pool name"));
const size = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000));
const ResizeBody = v.strictObject({
  hot: size,
  stopped: size,
  /** How long the override lasts; schedules and base sizes apply again afterwards. */
  minutes: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(7 * 24 * 60)),
});

/** `GET /api/pools`, `POST /api/pools/:name/resize`, `POST /api/pools/:name/pause|resume`. */
export function poolsRoutes(pools: Pick<PoolManager, "statuses" | "resize" | "setPaused">) {
  const app = new Hono();
  app.get("/api/pools", async (c) => c.json({ pools: await pools.statuses() }));
  app.post("/api/pools/:name/resize", async (c) => {
    const name = parseOr400(PoolName, c.req.param("name"), "name");
    const body = await c.req.json().catch(() => {
      throw new HTTPException(400, { message: "body must be JSON" });
    });
    const resize = parseOr400(ResizeBody, body, "invalid body:");
    // Unknown pools are a 404 from the service (NotFoundError), before anything is written.
    return c.json(await pools.resize(name, resize));
  });
  for (const [action, paused] of [
    ["pause", true],
    ["resume", false],
  ] as const) {
    app.post(`/api/pools/:name/${action}`, async (c) => {
      const name = parseOr400(PoolName, c.req.param("name"), "name");
      return c.json(await pools.setPaused(name, paused));
    });
  }
  return app;
}
