import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlane } from "../support/app.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";
import { sampleInstance } from "../support/instances.ts";
import { sampleJob } from "../support/jobs.ts";
import { signIn } from "./session.ts";

let b: Backends;
beforeAll(async () => {
  b = await startBackends({ prefix: "ui-pages-" });
});
afterAll(async () => {
  await b?.stop();
});

async function page(
  app: { request(p: string, i?: RequestInit): Response | Promise<Response> },
  cookie: string,
  path: string,
) {
  const res = await app.request(path, { headers: { cookie } });
  return { status: res.status, html: await res.text(), headers: res.headers };
}

describe("dashboard pages (server-rendered)", () => {
  it("renders every page with its data, behind the security headers", async () => {
    const plane = buildPlane(b);
    const { app, jobs, instances } = plane;
    await jobs.create(sampleJob({ jobId: "8101", jobName: "build-arm", repo: "octo-org/app" }));
    await jobs.transition("8101", { from: "queued", to: "launching", expectedVersion: 1 });
    await jobs.transition("8101", {
      from: "launching",
      to: "launched",
      expectedVersion: 2,
      patch: { instanceId: "i-0page", reason: "spot: c7g.large cheapest" },
    });
    await instances.create(sampleInstance("i-0page", { jobId: "8101" }));
    await jobs.create(
      sampleJob({ jobId: "8102", status: "rejected", reason: 'unknown key "cpus"' }),
    );
    await plane.circuits.recordInterruption("m7g.large", "i-x1");
    const { cookie } = await signIn(app);

    const overview = await page(app, cookie, "/ui");
    expect(overview.status).toBe(200);
    expect(overview.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(overview.headers.get("x-frame-options")).toBe("DENY");
    expect(overview.html).toContain("Jobs per hour by outcome");
    expect(overview.html).toContain("<svg");
    expect(overview.html).toContain("Queue wait p95");
    expect(overview.html).toContain("No dead-letter queue is configured");

    const list = await page(app, cookie, "/ui/jobs?status=launched");
    expect(list.html).toContain("build-arm");
    expect(list.html).not.toContain("8102");
    const byRepo = await page(
      app,
      cookie,
      "/ui/jobs?repo=octo-org%2Fapp&label=runs-fleet&hours=24",
    );
    expect(byRepo.html).toContain("8101");
    expect((await page(app, cookie, "/ui/jobs?status=sleeping")).status).toBe(400);

    const job = await page(app, cookie, "/ui/jobs/8101");
    expect(job.html).toContain("spot: c7g.large cheapest");
    expect(job.html).toContain("https://github.com/octo-org/app/actions/runs/42/job/8101");
    expect(job.html).toMatch(/launching.*→.*launched/s);
    expect(job.html).toContain("i-0page");
    expect(job.html).toContain("c7g.large (2 vCPU");
    expect((await page(app, cookie, "/ui/jobs/9999")).status).toBe(404);
    expect((await page(app, cookie, "/ui/jobs/abc")).status).toBe(400);

    expect((await page(app, cookie, "/ui/instances")).html).toContain("i-0page");
    const circuits = await page(app, cookie, "/ui/circuits");
    expect(circuits.html).toContain("m7g.large");
    expect(circuits.html).toContain('data-confirm="Close the circuit of m7g.large');
    expect((await page(app, cookie, "/ui/pools")).html).toContain("No pools are defined");
    const cost = await page(app, cookie, "/ui/cost?date=2026-01-01");
    expect(cost.status).toBe(200);
    expect(cost.html).toContain("2026-01-01");
    expect((await page(app, cookie, "/ui/cost?date=yesterday")).status).toBe(400);
    expect((await page(app, cookie, "/ui/config")).html).toContain("fleet file");
    expect((await page(app, cookie, "/ui/audit")).html).toContain("No admin action yet");
    expect((await page(app, cookie, "/ui/setup")).html).toContain("not available");
    const css = await app.request("/ui/assets/app.css");
    expect(css.headers.get("content-type")).toContain("text/css");
    expect((await app.request("/ui/assets/app.js")).headers.get("content-type")).toContain(
      "javascript",
    );
  });

  it("shows how many messages wait in each dead-letter queue", async () => {
    const plane = buildPlane(b, { eventsDlqUrl: b.newQueue("events-dlq") });
    await plane.eventsDlq?.send(JSON.stringify({ type: "heartbeat" }));
    const { cookie } = await signIn(plane.app);
    const html = (await page(plane.app, cookie, "/ui")).html;
    expect(html).toMatch(/events DLQ<\/div><div class="value">1</);
  });

  it("escapes what comes from webhooks", async () => {
    const { app, jobs } = buildPlane(b);
    await jobs.create(
      sampleJob({
        jobId: "8201",
        jobName: "<script>alert(1)</script>",
        labels: ['runs-fleet/"><img src=x>'],
      }),
    );
    const { cookie } = await signIn(app);
    const html = (await page(app, cookie, "/ui/jobs")).html;
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain('"><img src=x>');
  });
});
