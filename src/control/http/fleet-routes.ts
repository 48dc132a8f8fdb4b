import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import type { Catalog } from "../domain/catalog.ts";
import { defaultCatalog } from "../domain/catalog-default.ts";
import type { CircuitState } from "../domain/circuit.ts";
import { type Instance, InstanceStateSchema } from "../domain/instance.ts";
import type { InstanceStore } from "../ports/instance-store.ts";
import type { AdminActions } from "../services/admin/actions.ts";
import type { CircuitService } from "../services/common/circuits.ts";
import { InstanceIdParam, pageQuery, parseOr400 } from "./query.ts";

/** What the admin API shows of an instance. */
export function instanceView(i: Instance) {
  return {
    instanceId: i.instanceId,
    jobId: i.jobId,
    state: i.state,
    market: i.market,
    instanceType: i.instanceType,
    region: i.region,
    az: i.az,
    pool: i.pool,
    reason: i.reason,
    launchedAt: i.launchedAt,
    startedAt: i.startedAt,
    lastHeartbeatAt: i.lastHeartbeatAt,
    terminatedAt: i.terminatedAt,
    usdPerHour: i.usdPerHour ?? null,
  };
}

/** What the admin API shows of a circuit; times as ISO strings. */
export function circuitView(c: CircuitState) {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    instanceType: c.instanceType,
    state: c.state,
    interruptionsInWindow: c.interruptions.length,
    openedAt: iso(c.openedAt),
    resetAt: iso(c.resetAt),
    probeStartedAt: iso(c.probeStartedAt),
    /** Opens in a row; each one doubles the cooldown (up to its ceiling). */
    trips: c.trips,
    closedAt: iso(c.closedAt),
  };
}

const InstanceQuery = v.object({ state: v.optional(InstanceStateSchema), ...pageQuery(1000) });
// EC2's names are short (`u7in-32tb.224xlarge` is among the longest); the bound keeps any
// string that reaches the circuits table well inside a key.
// A circuit key: a type (home region), `<type>@<region>`, or `region:<region>` (docs/regions.md).
const InstanceType = v.pipe(
  v.string(),
  v.maxLength(64, "is longer than any instance type (at most 64 characters)"),
  v.regex(
    /^([a-z][a-z0-9-]*\.[a-z0-9-]+(@[a-z]{2}(-[a-z]+)+-[0-9])?|region:[a-z]{2}(-[a-z]+)+-[0-9])$/,
    "is not an instance type (like c7g.large, c7g.large@eu-west-1) or region:<region>",
  ),
);

/** `GET /api/instances[/:id]`, `GET /api/circuits`, `POST /api/circuits/:instanceType/reset`. */
export function fleetRoutes(deps: {
  instances: InstanceStore;
  circuits: CircuitService;
  /** The types labels resolve to; a circuit of any other type cannot exist (default catalog). */
  catalog?: Catalog;
  /** Audited admin actions; with them a reset leaves an audit record. */
  actions?: AdminActions;
}) {
  const known = new Set((deps.catalog ?? defaultCatalog).types.map((t) => t.instanceType));
  const app = new Hono();
  app.get("/api/instances", async (c) => {
    const q = parseOr400(InstanceQuery, c.req.query(), "invalid query:");
    const page = await deps.instances.list({
      limit: q.limit,
      ...(q.state ? { state: q.state } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    return c.json({
      instances: page.instances.map(instanceView),
      ...(page.next ? { next: page.next } : {}),
    });
  });
  app.get("/api/instances/:instanceId", async (c) => {
    const id = parseOr400(InstanceIdParam, c.req.param("instanceId"), "instanceId");
    const instance = await deps.instances.get(id);
    if (!instance) throw new HTTPException(404, { message: `instance ${id} not found` });
    return c.json(instanceView(instance));
  });
  app.get("/api/circuits", async (c) =>
    c.json({ circuits: (await deps.circuits.list()).map(circuitView) }),
  );
  app.post("/api/circuits/:instanceType/reset", async (c) => {
    const type = parseOr400(InstanceType, c.req.param("instanceType"), "instanceType");
    // Only a real type: one the catalog lists, or one that has a circuit (a type dropped from
    // the catalog since). Anything else would store a circuit for a type that never launches.
    if (!known.has(type) && !(await deps.circuits.list()).some((s) => s.instanceType === type)) {
      throw new HTTPException(404, {
        message: `instance type ${type} is not in the catalog and has no circuit`,
      });
    }
    const ctx = {
      actor: c.get("actor") ?? "token",
      requestId: c.get("requestId") ?? crypto.randomUUID(),
    };
    const state = deps.actions
      ? await deps.actions.resetCircuit(ctx, type)
      : await deps.circuits.reset(type);
    return c.json(circuitView(state));
  });
  return app;
}
