import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import { poolNamePattern } from "../domain/pool-config.ts";
import type { AuditStore } from "../ports/audit-store.ts";
import type { AdminActions } from "../services/admin/actions.ts";
import type { ActionContext } from "../services/admin/audit.ts";
import { jobView } from "./admin.ts";
import { instanceView } from "./fleet-routes.ts";
import { InstanceIdParam, pageQuery, parseOr400 } from "./query.ts";

const JobId = v.pipe(v.string(), v.regex(/^\d{1,20}$/, "must be a GitHub job id (digits)"));
const PoolName = v.pipe(v.string(), v.regex(poolNamePattern, "is not a pool name"));
const size = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000));
const ResizeBody = v.strictObject({
  hot: size,
  stopped: size,
  minutes: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(7 * 24 * 60)),
});
const AuditQuery = v.object(pageQuery(500));

/** Who is acting, as the admin guard in front of `/api/*` recorded it. */
export function actionContext(c: Context): ActionContext {
  return { actor: c.get("actor") ?? "token", requestId: c.get("requestId") ?? crypto.randomUUID() };
}

/**
 * The admin actions of the API (every one audited), and `GET /api/audit`, newest first:
 * `POST /api/jobs/:id/cancel|retry`, `POST /api/instances/:id/terminate`, `POST /api/dlq/redrive`,
 * and the pools' `POST /api/pools/:name/resize|pause|resume`, mounted ahead of the pools routes
 * so that these writes, too, leave an audit record (same bodies and answers as there).
 */
export function actionRoutes(deps: { actions: AdminActions; audit: AuditStore }) {
  const app = new Hono();
  const { actions } = deps;
  app.post("/api/jobs/:jobId/cancel", async (c) => {
    const id = parseOr400(JobId, c.req.param("jobId"), "jobId");
    return c.json(jobView(await actions.cancelJob(actionContext(c), id)));
  });
  app.post("/api/jobs/:jobId/retry", async (c) => {
    const id = parseOr400(JobId, c.req.param("jobId"), "jobId");
    return c.json({ jobId: id, github: await actions.retryJob(actionContext(c), id) }, 202);
  });
  app.post("/api/instances/:instanceId/terminate", async (c) => {
    const id = parseOr400(InstanceIdParam, c.req.param("instanceId"), "instanceId");
    return c.json(instanceView(await actions.terminateInstance(actionContext(c), id)));
  });
  app.post("/api/dlq/redrive", async (c) => {
    const out = await actions.redriveDlq(actionContext(c));
    return c.json({ ran: out.ran, report: out.report ?? null });
  });
  app.post("/api/pools/:name/resize", async (c) => {
    const name = parseOr400(PoolName, c.req.param("name"), "name");
    const body = await c.req.json().catch(() => {
      throw new HTTPException(400, { message: "body must be JSON" });
    });
    const size = parseOr400(ResizeBody, body, "invalid body:");
    return c.json(await actions.resizePool(actionContext(c), name, size));
  });
  for (const [action, paused] of [
    ["pause", true],
    ["resume", false],
  ] as const) {
    app.post(`/api/pools/:name/${action}`, async (c) => {
      const name = parseOr400(PoolName, c.req.param("name"), "name");
      return c.json(await actions.pausePool(actionContext(c), name, paused));
    });
  }
  app.get("/api/audit", async (c) => {
    const q = parseOr400(AuditQuery, c.req.query(), "invalid query:");
    const page = await deps.audit.list({
      limit: q.limit,
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    return c.json(page);
  });
  return app;
}
