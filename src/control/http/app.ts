import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "../../shared/logger.ts";
import { FleetError, NotFoundError, ValidationError } from "../domain/errors.ts";
import type { JobStore } from "../ports/job-store.ts";
import { ActionRefusedError } from "../services/admin/audit.ts";
import type { GitOps } from "../services/config/gitops.ts";
import type { Intake } from "../services/intake/intake.ts";
import { jobRoutes, requireBearer } from "./admin.ts";
import { requireAdmin } from "./dashboard/auth.ts";
import { type HealthDeps, healthRoutes } from "./health.ts";
import type { Sessions } from "./session.ts";
import { webhookRoutes } from "./webhook.ts";

export interface AppDeps {
  intake: Intake;
  jobs: JobStore;
  webhookSecrets: readonly string[];
  adminToken: string;
  logger: Logger;
  health: HealthDeps;
  /** Further admin routes (circuits, instances…), mounted behind the same bearer check. */
  adminRoutes?: readonly Hono[];
  /** Dashboard sessions: with them, `/api/*` also takes a signed-in session plus CSRF token. */
  sessions?: Sessions;
  /** The web dashboard (`/ui`), mounted before the admin API. */
  dashboard?: Hono;
  /** Applies pushes to the config repository (GitOps). */
  gitops?: GitOps;
}

/** The control plane's HTTP surface as a runtime-neutral Hono app (`app.fetch(Request)`). */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.route("/", healthRoutes(deps.health));
  app.route("/", webhookRoutes(deps));
  if (deps.dashboard) {
    app.get("/", (c) => c.redirect("/ui", 303));
    app.route("/", deps.dashboard);
  }
  app.use(
    "/api/*",
    deps.sessions
      ? requireAdmin({ token: deps.adminToken, sessions: deps.sessions })
      : requireBearer(deps.adminToken),
  );
  app.route("/", jobRoutes(deps));
  for (const routes of deps.adminRoutes ?? []) app.route("/", routes);

  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));
  // One place maps errors to answers: ours by kind, the rest as 500 with a log line.
  app.onError((err, c) => {
    if (err instanceof HTTPException) return c.json({ error: err.message }, err.status);
    if (err instanceof ValidationError)
      return c.json({ error: err.message, issues: err.issues }, 400);
    if (err instanceof NotFoundError) return c.json({ error: err.message }, 404);
    if (err instanceof ActionRefusedError) return c.json({ error: err.message }, 409);
    if (err instanceof FleetError && err.retryable) {
      deps.logger.warn("request failed, retryable", {
        path: c.req.path,
        code: err.code,
        error: err.message,
      });
      return c.json({ error: err.message, retryable: true }, 503);
    }
    deps.logger.error("request failed", { path: c.req.path, error: err });
    return c.json({ error: "internal error" }, 500);
  });
  return app;
}
