/** @jsxImportSource hono/jsx */
import { type Context, Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import { NotFoundError, ValidationError } from "../../domain/errors.ts";
import { ActionRefusedError } from "../../services/admin/audit.ts";
import { isLoopback, type Session, sessionCookie } from "../session.ts";
import { timingSafeEqual } from "../signature.ts";
import { appCss, appJs } from "./assets.ts";
import { requestIdOf, sessionOf } from "./auth.ts";
import type { DashboardDeps } from "./deps.ts";
import { githubSignInRoutes } from "./github-sign-in.ts";
import { Document, type PageContext } from "./layout.tsx";
import { liveEvents } from "./live.ts";
import { auditPage } from "./pages/audit.tsx";
import { circuitsPage } from "./pages/circuits.tsx";
import { configPage } from "./pages/config.tsx";
import { costPage } from "./pages/cost.tsx";
import { instancesPage } from "./pages/instances.tsx";
import { jobPage } from "./pages/job.tsx";
import { JobFilter, jobsPage } from "./pages/jobs.tsx";
import { overviewPage } from "./pages/overview.tsx";
import { poolsPage } from "./pages/pools.tsx";
import { confirmForm, signedInPage, signInForm } from "./pages/sign-in.tsx";
import { setupRoutes } from "./setup-routes.tsx";
import { safeBack, uiActions } from "./ui-actions.ts";

/** Headers every dashboard answer carries: no framing, no caching, scripts from here only. */
const security = {
  "content-security-policy":
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self' https:; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
};

type Env = { Variables: { session: Session; page: PageContext } };

/** Renders a page inside the document, with status. */
function html(c: Context, title: string, body: unknown, page?: PageContext, status = 200) {
  return c.html(
    <Document title={title} {...(page ? { page } : {})}>
      {body as never}
    </Document>,
    status as 200,
  );
}

/**
 * The web dashboard under `/ui`: sign-in with the admin token, then a signed session cookie;
 * every page server-rendered with Hono's JSX; admin actions as CSRF-checked POSTs.
 */
export function dashboardRoutes(deps: DashboardDeps): Hono {
  const app = new Hono<Env>();
  app.use("/ui/*", async (c, next) => {
    await next();
    for (const [k, val] of Object.entries(security))
      if (!c.res.headers.has(k)) c.res.headers.set(k, val);
  });
  app.get("/ui/assets/app.css", (c) =>
    c.body(appCss, 200, {
      "content-type": "text/css; charset=utf-8",
      "cache-control": "public, max-age=300",
    }),
  );
  app.get("/ui/assets/app.js", (c) =>
    c.body(appJs, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=300",
    }),
  );

  app.get("/ui/sign-in", async (c) => {
    const next = safeBack(c.req.query("next"));
    if (await sessionOf(c, deps.sessions)) return c.redirect(next, 303);
    return html(c, "Sign in", signInForm({ next, github: !!deps.githubSignIn }));
  });
  app.post("/ui/sign-in", async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === "string" ? form.token : "";
    const next = safeBack(typeof form.next === "string" ? form.next : undefined);
    if (!token || !timingSafeEqual(token, deps.adminToken)) {
      deps.logger.warn("dashboard sign-in refused", { requestId: requestIdOf(c) });
      return html(
        c,
        "Sign in",
        signInForm({ next, error: "That is not the admin token.", github: !!deps.githubSignIn }),
        undefined,
        401,
      );
    }
    const { value } = await deps.sessions.issue("session");
    setCookie(c, sessionCookie, value, {
      httpOnly: true,
      sameSite: "Strict",
      secure: !isLoopback(c.req.url),
      path: "/",
      maxAge: Math.floor(deps.sessions.ttlMs / 1000),
    });
    return c.redirect(next, 303);
  });
  if (deps.githubSignIn)
    app.route(
      "/",
      githubSignInRoutes(
        deps,
        deps.githubSignIn,
        (c, error) =>
          html(c, "Sign in", signInForm({ next: "/ui", error, github: true }), undefined, 403),
        (c, next, login) => html(c, "Signed in", signedInPage({ next, actor: login })),
      ),
    );
  app.route("/", setupRoutes(deps, "public"));

  // Everything below needs a session; state changes also the session's CSRF token.
  app.use("/ui/*", async (c, next) => {
    const session = await sessionOf(c, deps.sessions);
    if (!session) {
      if (c.req.method === "GET" && !c.req.path.startsWith("/ui/events"))
        return c.redirect(
          `/ui/sign-in?next=${encodeURIComponent(safeBack(c.req.path + new URL(c.req.url).search))}`,
          303,
        );
      throw new HTTPException(401, { message: "sign in first" });
    }
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      const form = (c.req.header("content-type") ?? "").includes("form")
        ? await c.req.parseBody()
        : {};
      const token = typeof form._csrf === "string" ? form._csrf : c.req.header("x-csrf-token");
      if (!(await deps.sessions.checkCsrf(session, token)))
        throw new HTTPException(403, {
          message: "missing or invalid CSRF token: reload the page and try again",
        });
    }
    const url = new URL(c.req.url);
    const notice = url.searchParams.get("notice") ?? undefined;
    url.searchParams.delete("notice");
    c.set("session", session);
    c.set("page", {
      actor: session.actor === "session" ? "admin" : session.actor,
      csrf: await deps.sessions.csrfToken(session),
      path: url.pathname + url.search,
      notice: notice?.slice(0, 200),
    });
    c.set("actor", session.actor);
    c.set("requestId", requestIdOf(c));
    await next();
  });

  app.post("/ui/sign-out", (c) => {
    deleteCookie(c, sessionCookie, { path: "/", secure: !isLoopback(c.req.url) });
    return c.redirect("/ui/sign-in", 303);
  });
  app.get("/ui/events", (c) => liveEvents(c, deps));
  app.get("/ui", async (c) =>
    html(c, "Overview", await overviewPage(deps, c.var.page), c.var.page),
  );
  app.get("/ui/jobs", async (c) => {
    const filter = v.safeParse(JobFilter, c.req.query());
    if (!filter.success) throw new ValidationError(`invalid filter: ${v.summarize(filter.issues)}`);
    return html(c, "Jobs", await jobsPage(deps, c.var.page, filter.output), c.var.page);
  });
  app.get("/ui/jobs/:jobId", async (c) => {
    const id = c.req.param("jobId");
    if (!/^\d{1,20}$/.test(id)) throw new ValidationError("a job id is digits");
    const job = await deps.jobs.get(id);
    if (!job) throw new NotFoundError(`job ${id} not found`);
    return html(c, `Job ${job.jobName ?? id}`, await jobPage(deps, c.var.page, job), c.var.page);
  });
  app.get("/ui/instances", async (c) =>
    html(c, "Instances", await instancesPage(deps, c.var.page), c.var.page),
  );
  app.get("/ui/pools", async (c) =>
    html(c, "Pools", await poolsPage(deps, c.var.page), c.var.page),
  );
  app.get("/ui/circuits", async (c) =>
    html(c, "Circuits", await circuitsPage(deps, c.var.page), c.var.page),
  );
  app.get("/ui/config", async (c) => html(c, "Configuration", await configPage(deps), c.var.page));
  app.get("/ui/audit", async (c) => {
    const cursor = c.req.query("cursor");
    if (cursor !== undefined && cursor.length > 2048) throw new ValidationError("cursor too long");
    return html(c, "Audit log", await auditPage(deps, cursor), c.var.page);
  });
  app.get("/ui/cost", async (c) => {
    const date = c.req.query("date") ?? new Date(deps.clock.now()).toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date)))
      throw new ValidationError("date must be YYYY-MM-DD");
    return html(c, "Cost reports", await costPage(deps, date), c.var.page);
  });
  app.post("/ui/actions/:action", async (c) => {
    const action = uiActions[c.req.param("action")];
    if (!action) throw new NotFoundError(`no action ${c.req.param("action")}`);
    const form = Object.fromEntries(
      Object.entries(await c.req.parseBody()).filter(
        (e): e is [string, string] => typeof e[1] === "string",
      ),
    );
    const back = safeBack(form.back);
    if (form.confirmed !== "1") {
      const { confirmed: _unconfirmed, ...rest } = form;
      const fields = { ...rest, back, _csrf: c.var.page.csrf };
      return html(
        c,
        "Confirm",
        confirmForm({
          action: c.req.param("action"),
          question: action.question(form.target ?? ""),
          fields,
        }),
        c.var.page,
      );
    }
    const notice = await action.run(
      deps.actions,
      { actor: c.var.actor, requestId: c.var.requestId },
      form,
    );
    const sep = back.includes("?") ? "&" : "?";
    return c.redirect(`${back}${sep}notice=${encodeURIComponent(notice)}`, 303);
  });
  app.route("/", setupRoutes(deps, "signed-in"));

  app.onError((err, c) => {
    const status =
      err instanceof HTTPException
        ? err.status
        : err instanceof ValidationError
          ? 400
          : err instanceof NotFoundError
            ? 404
            : err instanceof ActionRefusedError
              ? 409
              : 500;
    if (status === 500)
      deps.logger.error("dashboard request failed", { path: c.req.path, error: err });
    const message = status === 500 ? "Something went wrong; the log has the details." : err.message;
    const page = c.get("page");
    return html(
      c,
      status === 404 ? "Not found" : "Could not do that",
      <p class="error" role="alert">
        {message}
      </p>,
      page,
      status,
    );
  });
  return app as unknown as Hono;
}
