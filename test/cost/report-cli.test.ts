import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliDeps, runCommand } from "../../src/cli/run.ts";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { createMemoryCircuitStore } from "../../src/control/adapters/memory/circuit-store.ts";
import { createMemoryInstanceStore } from "../../src/control/adapters/memory/instance-store.ts";
import { createMemoryJobStore } from "../../src/control/adapters/memory/job-store.ts";
import { createMemoryLockStore } from "../../src/control/adapters/memory/lock-store.ts";
import { createMemoryReportStore } from "../../src/control/adapters/memory/report-store.ts";
import { defaultCatalog } from "../../src/control/domain/catalog-default.ts";
import { githubHostedPrices } from "../../src/control/domain/cost-github.ts";
import { awsServicePrices } from "../../src/control/domain/cost-services.ts";
import { requireBearer } from "../../src/control/http/admin.ts";
import { costRoutes } from "../../src/control/http/cost-routes.ts";
import { createCostReports } from "../../src/control/services/cost/cost-reports.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { sampleInstance } from "../support/instances.ts";

const token = "report-cli-admin-token";
const clock = fixedClock(Date.parse("2026-03-02T12:00:00Z"));
let server: ReturnType<typeof serve>;
let url = "";

beforeAll(async () => {
  const instances = createMemoryInstanceStore({ clock });
  // One on-demand hour on 2026-03-01 at a known price: the report's EC2 figure is $0.10.
  await instances.create(
    sampleInstance("i-0000000000000c057", {
      market: "on-demand",
      state: "terminated",
      usdPerHour: 0.1,
      launchedAt: "2026-03-01T10:00:00.000Z",
      terminatedAt: "2026-03-01T11:00:00.000Z",
    }),
  );
  const reports = createCostReports({
    jobs: createMemoryJobStore({ clock }),
    instances,
    circuits: createMemoryCircuitStore(),
    reports: createMemoryReportStore(),
    publishers: [],
    locks: createMemoryLockStore({ clock }),
    clock,
    logger: silentLogger,
    catalog: defaultCatalog,
    github: githubHostedPrices,
    services: awsServicePrices,
    settings: {
      hour: 9,
      timeZone: "UTC",
      hostUsdPerHour: 0,
      stoppedDiskGiB: 40,
      heartbeatSeconds: 30,
    },
  });
  // The admin API's own route and bearer check, with the app's error shape, on a real port.
  const app = new Hono();
  app.use("/api/*", requireBearer(token));
  app.route("/", costRoutes({ reports }));
  app.onError((err, c) =>
    err instanceof HTTPException
      ? c.json({ error: err.message }, err.status)
      : c.json({ error: "internal" }, 500),
  );
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function deps(
  env: Record<string, string> = { RUNS_FLEET_URL: url, RUNS_FLEET_ADMIN_TOKEN: token },
) {
  return { env, resolveHost: async () => null, exec: () => 2 } satisfies CliDeps;
}

describe("runs-fleet report cost", () => {
  it("prints the day's markdown report with every section", async () => {
    const r = await runCommand(["report", "cost", "--date", "2026-03-01"], deps());
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe("");
    for (const section of [
      "EC2 compute",
      "Storage & data",
      "Supporting services",
      "Versus GitHub-hosted",
      "Cost trends",
      "Top repositories",
      "Recommendations",
    ])
      expect(r.stdout).toContain(`## ${section}`);
    expect(r.stdout).toMatch(/2026-03-01/);
    expect(r.stdout).toMatch(/^\| c7g\.large \| on-demand \| 1 \| 1\.00 \| \$0\.1000 \|$/m);
  });

  it("prints JSON with --json, and today's report without --date; flags beat the environment", async () => {
    const json = await runCommand(
      ["report", "cost", "--date", "2026-03-01", "--json", "--url", url, "--token", token],
      deps({}),
    );
    expect(json.exitCode).toBe(0);
    const body = JSON.parse(json.stdout) as { date: string; summary: { ec2Usd: number } };
    expect(body).toMatchObject({ date: "2026-03-01", summary: { ec2Usd: 0.1 } });
    const today = await runCommand(["report", "cost"], deps());
    expect(today.exitCode).toBe(0);
    expect(today.stdout).toContain("2026-03-02");
  });

  it("says clearly what is wrong: date, token, missing API, unreachable API", async () => {
    const bad = await runCommand(["report", "cost", "--date", "2026-02-30"], deps());
    expect(bad).toEqual({
      exitCode: 2,
      stdout: "",
      stderr: 'runs-fleet: --date must be a day written YYYY-MM-DD (got "2026-02-30")\n',
    });
    const future = await runCommand(["report", "cost", "--date", "2026-03-09"], deps());
    expect(future.exitCode).toBe(2);
    expect(future.stderr).toBe(
      "runs-fleet: the admin API refused the request: date 2026-03-09 is in the future (today is 2026-03-02)\n",
    );
    const wrong = await runCommand(
      ["report", "cost"],
      deps({ RUNS_FLEET_URL: url, RUNS_FLEET_ADMIN_TOKEN: "nope" }),
    );
    expect(wrong).toMatchObject({ exitCode: 2, stdout: "" });
    expect(wrong.stderr).toMatch(/refused the token/);
    const unset = await runCommand(["report", "cost"], deps({}));
    expect(unset.exitCode).toBe(2);
    expect(unset.stderr).toMatch(/set RUNS_FLEET_URL and RUNS_FLEET_ADMIN_TOKEN/);
    const dead = await runCommand(
      ["report", "cost"],
      deps({ RUNS_FLEET_URL: "http://127.0.0.1:1", RUNS_FLEET_ADMIN_TOKEN: token }),
    );
    expect(dead.exitCode).toBe(1);
    expect(dead.stderr).toMatch(
      /^runs-fleet: cannot reach the admin API at http:\/\/127\.0\.0\.1:1/,
    );
  });

  it("a wrong command line exits 2; help exits 0", async () => {
    expect((await runCommand(["report"], deps())).stderr).toMatch(/report needs a kind/);
    expect((await runCommand(["report", "money"], deps())).exitCode).toBe(2);
    expect((await runCommand(["report", "cost", "--bogus"], deps())).exitCode).toBe(2);
    const help = await runCommand(["report", "--help"], deps());
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^usage: runs-fleet report cost \[--date YYYY-MM-DD\]/);
    expect((await runCommand(["help", "report"], deps())).stdout).toBe(help.stdout);
  });
});
