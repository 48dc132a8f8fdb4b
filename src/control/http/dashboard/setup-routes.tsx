/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Session } from "../session.ts";
import { appManifest, manifestTarget } from "./app-setup.ts";
import { requestIdOf } from "./auth.ts";
import type { DashboardDeps } from "./deps.ts";
import { Document, type PageContext } from "./layout.tsx";
import { manifestForm, setupPage } from "./pages/setup.tsx";

type Env = { Variables: { session: Session; page: PageContext } };

/** The manifest flow's `state` lasts as long as GitHub's code: one hour. */
const stateTtlMs = 3_600_000;

/**
 * The GitHub App manifest flow. `signed-in`: the page and the start (session and CSRF checked
 * in front). `public`: GitHub's redirect back, which carries no cookie (SameSite=Strict on a
 * cross-site navigation), so it is bound to the start by a signed, expiring `state` instead.
 */
export function setupRoutes(deps: DashboardDeps, part: "public" | "signed-in") {
  const app = new Hono<Env>();
  const setup = deps.appSetup;
  const baseUrl = (url: string) => setup?.publicUrl ?? new URL(url).origin;
  if (part === "signed-in") {
    app.get("/ui/setup", async (c) =>
      c.html(
        <Document title="GitHub App" page={c.var.page}>
          {await setupPage(deps, c.var.page, baseUrl(c.req.url))}
        </Document>,
      ),
    );
    app.post("/ui/setup/start", async (c) => {
      if (!setup)
        throw new HTTPException(404, { message: "the manifest flow is not available here" });
      const form = await c.req.parseBody();
      const org = typeof form.org === "string" ? form.org.trim() : "";
      if (org && !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(org))
        throw new HTTPException(400, { message: "that is not an organisation name" });
      const state = await deps.sessions.seal(
        "manifest",
        { actor: c.var.session.actor },
        deps.clock.now() + stateTtlMs,
      );
      const target = manifestTarget(
        setup.githubUrl ?? "https://github.com",
        org || undefined,
        state,
      );
      return c.html(
        <Document title="GitHub App" page={c.var.page}>
          {manifestForm(target, JSON.stringify(appManifest(baseUrl(c.req.url))))}
        </Document>,
      );
    });
    return app;
  }
  app.get("/ui/setup/callback", async (c) => {
    if (!setup)
      throw new HTTPException(404, { message: "the manifest flow is not available here" });
    const state = await deps.sessions.unseal("manifest", c.req.query("state"));
    if (!state || typeof state.actor !== "string")
      throw new HTTPException(400, {
        message: "this link is not from a setup started here, or it expired",
      });
    const code = c.req.query("code") ?? "";
    const actor = state.actor;
    const stored = await deps.actions.createApp({ actor, requestId: requestIdOf(c) }, async () => {
      const app = await setup.exchange.convert(code);
      return setup.store.save(app, new Date(deps.clock.now()).toISOString());
    });
    return c.html(
      <Document title="GitHub App created">
        <p>
          GitHub created the App <a href={stored.htmlUrl}>{stored.slug}</a> (id {stored.appId}). Its
          private key and webhook secret are kept in {stored.location}. Next:{" "}
          <a href={`${stored.htmlUrl}/installations/new`}>install it</a> on your repositories, then
          restart runs-fleet (a restart applies it when the environment names no other App), and go
          back to the <a href="/ui">dashboard</a>.
        </p>
      </Document>,
    );
  });
  return app;
}
