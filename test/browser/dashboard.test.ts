import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliver, workflowJobExample } from "../support/app.ts";
import { type Proc, startProcess } from "../support/processes.ts";

/** Debian's `chromium` package (installed by .ci/run); no browser is downloaded. */
const executablePath = "/usr/bin/chromium";
const hasChromium = existsSync(executablePath);
if (!hasChromium)
  console.warn(
    `browser suite skipped: no Chromium at ${executablePath} (apt-get install chromium)`,
  );

let dataDir: string;
let shots: string;
let proc: Proc | undefined;
let browser: Browser | undefined;
let url = "";
let secret = "";
let token = "";

beforeAll(async () => {
  if (!hasChromium) return;
  dataDir = await mkdtemp(join(tmpdir(), "runs-fleet-browser-"));
  shots = await mkdtemp(join(tmpdir(), "runs-fleet-screens-"));
  proc = startProcess(process.execPath, ["--import", "tsx", "src/control/entry/node.ts"], {
    RUNS_FLEET_DATA_DIR: dataDir,
    PORT: "0",
    RUNS_FLEET_WEBHOOK_SECRET: undefined,
    RUNS_FLEET_ADMIN_TOKEN: undefined,
    // Long enough for a spot notice to reach a running job's agent.
    RUNS_FLEET_DRY_RUN_JOB_SECONDS: "3",
  });
  [, url = ""] = await proc.waitFor(/URL:\s+(http:\/\/\S+)/);
  [, secret = ""] = await proc.waitFor(/webhook secret:\s+(\S+)/);
  [, token = ""] = await proc.waitFor(/admin token:\s+(\S+)/);
  browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await proc?.stop("SIGKILL");
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  if (shots) console.info(`dashboard screenshots in ${shots}`);
});

/** A page that fails the test on any console error or uncaught exception. */
async function openPage(width: number): Promise<{ page: Page; errors: string[] }> {
  const context = await (browser as Browser).newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("response", (r) => {
    if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
  });
  return { page, errors };
}

async function signIn(page: Page) {
  await page.goto(`${url}/`);
  expect(new URL(page.url()).pathname).toBe("/ui/sign-in");
  await page.fill('input[name="token"]', token);
  await page.click('button[type="submit"]');
  await page.waitForURL(`${url}/ui`);
}

const api = async (path: string, init: RequestInit = {}) =>
  fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${token}` } });

/** Sends a job, interrupts its instance while it runs, and returns the type whose circuit counted it. */
async function interruptAJob(): Promise<string> {
  const payload = await workflowJobExample("queued", {
    labels: ["runs-fleet/cpu=2"],
    jobId: 880002,
  });
  await deliver({ request: (p, init) => fetch(`${url}${p}`, init) }, "workflow_job", payload, {
    secret,
  });
  for (let i = 0; i < 200; i++) {
    const job = (await (await api("/api/jobs/880002")).json()) as {
      status: string;
      instanceId: string | null;
    };
    if (job.instanceId && ["launched", "running"].includes(job.status)) {
      await api(`/api/local/instances/${job.instanceId}/interrupt`, { method: "POST" });
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  for (let i = 0; i < 200; i++) {
    const { circuits } = (await (await api("/api/circuits")).json()) as {
      circuits: Array<{ instanceType: string }>;
    };
    if (circuits[0]) return circuits[0].instanceType;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("no circuit counted the interruption");
}

/** True when nothing is wider than the window (tables scroll inside their own box). */
const fits = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

describe.skipIf(!hasChromium)("dashboard in a real browser (local mode)", () => {
  it("signs in, follows a job live to completed, resets a circuit, finds it audited, signs out", async () => {
    const { page, errors } = await openPage(1280);
    await signIn(page);
    await page.screenshot({ path: join(shots, "overview-1280.png"), fullPage: true });
    expect(await fits(page)).toBe(true);

    await page.goto(`${url}/ui/jobs`);
    // Marks this document: a reload would lose it, a live update keeps it.
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 1;
    });
    const payload = await workflowJobExample("queued", {
      labels: ["runs-fleet/cpu=2"],
      jobId: 880001,
    });
    const res = await deliver(
      { request: (p, init) => fetch(`${url}${p}`, init) },
      "workflow_job",
      payload,
      {
        secret,
      },
    );
    expect(res.status).toBe(202);
    const row = page.locator('tr[data-job="880001"]');
    await row.waitFor({ timeout: 20_000 });
    await row.locator(".status", { hasText: "completed" }).waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);

    await row.locator("a").first().click();
    await page.waitForURL(`${url}/ui/jobs/880001`);
    const timeline = page.locator("ol.timeline");
    await expect(timeline.textContent()).resolves.toMatch(
      /launched\s*→\s*completed|running\s*→\s*completed/,
    );
    await page.screenshot({ path: join(shots, "job-1280.png"), fullPage: true });

    // A circuit to reset: a spot notice on a second job's instance counts against its type.
    const type = await interruptAJob();
    await page.goto(`${url}/ui/circuits`);
    page.once("dialog", (d) => void d.accept());
    await page.locator(`tr[data-circuit="${type}"] button`, { hasText: "Reset" }).click();
    await page.waitForURL(/\/ui\/circuits\?notice=/);
    await expect(page.locator(".notice").textContent()).resolves.toContain(`Circuit ${type} reset`);
    await page.goto(`${url}/ui/audit`);
    const audited = page
      .locator('tr[data-audit="circuit.reset"]', { hasText: "admin" })
      .or(page.locator('tr[data-audit="circuit.reset"]', { hasText: "session" }));
    await audited.first().waitFor();
    expect(await page.locator('tr[data-audit="circuit.reset"]').count()).toBe(1);

    await page.click('form.who button[type="submit"]');
    await page.waitForURL(`${url}/ui/sign-in`);
    await page.goto(`${url}/ui/jobs`);
    expect(new URL(page.url()).pathname).toBe("/ui/sign-in");
    expect(errors).toEqual([]);
  }, 60_000);

  it("is usable 390 px wide", async () => {
    const { page, errors } = await openPage(390);
    await signIn(page);
    expect(await fits(page)).toBe(true);
    await page.screenshot({ path: join(shots, "overview-390.png"), fullPage: true });
    await page.goto(`${url}/ui/jobs/880001`);
    expect(await fits(page)).toBe(true);
    await page.screenshot({ path: join(shots, "job-390.png"), fullPage: true });
    await page.goto(`${url}/ui/jobs`);
    expect(await fits(page)).toBe(true);
    expect(await page.locator("nav a", { hasText: "Audit log" }).isVisible()).toBe(true);
    expect(errors).toEqual([]);
  }, 30_000);
});
