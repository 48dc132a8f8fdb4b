import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sign } from "@octokit/webhooks-methods";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Proc, root, startProcess } from "../support/processes.ts";

const sections = [
  "EC2 compute",
  "Storage & data",
  "Supporting services",
  "Versus GitHub-hosted",
  "Cost trends",
  "Top repositories",
  "Recommendations",
];

// What `npm run demo` sends: spot jobs of both arches and one on-demand job.
const labels = [
  "runs-fleet",
  "runs-fleet/cpu=4/arch=arm64",
  "runs-fleet/cpu=8+8/ram=32/arch=amd64/spot=false",
];

let dataDir: string;
let local: Proc;
let url = "";
let secret = "";
let token = "";

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "runs-fleet-cost-"));
  local = startProcess(process.execPath, ["--import", "tsx", "src/control/entry/node.ts"], {
    RUNS_FLEET_DATA_DIR: dataDir,
    PORT: "0",
    RUNS_FLEET_WEBHOOK_SECRET: undefined,
    RUNS_FLEET_ADMIN_TOKEN: undefined,
    RUNS_FLEET_DRY_RUN_JOB_SECONDS: "1",
  });
  url = (await local.waitFor(/URL:\s+(http:\/\/\S+)/))[1] as string;
  secret = (await local.waitFor(/webhook secret:\s+(\S+)/))[1] as string;
  token = (await local.waitFor(/admin token:\s+(\S+)/))[1] as string;
}, 90_000);
afterAll(async () => {
  await local?.stop("SIGTERM");
  await rm(dataDir, { recursive: true, force: true });
});

const admin = (path: string) =>
  fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });

/** A signed `workflow_job queued` delivery, as GitHub sends it. */
async function queued(jobId: number, label: string): Promise<Response> {
  const body = JSON.stringify({
    action: "queued",
    workflow_job: { id: jobId, run_id: 4242, run_attempt: 1, name: label, labels: [label] },
    repository: { full_name: "octo-org/cost" },
  });
  return await fetch(`${url}/webhook`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "workflow_job",
      "x-github-delivery": `cost-${jobId}`,
      "x-hub-signature-256": await sign(secret, body),
    },
    body,
  });
}

interface JobView {
  status: string;
  instanceId: string | null;
  cost?: { instanceUsd: number } | null;
}

/** Polls the admin API until the job is finished (the agent simulates a 1 s job). */
async function finished(jobId: number): Promise<JobView> {
  let last: JobView | null = null;
  for (let i = 0; i < 600; i++) {
    last = (await (await admin(`/api/jobs/${jobId}`)).json()) as JobView;
    if (["completed", "failed", "cancelled"].includes(last.status)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${jobId} did not finish: ${JSON.stringify(last)}`);
}

describe("local mode: a day of jobs, then its cost report", () => {
  it("reports every section with the EC2 compute the jobs used", async () => {
    const base = 900_000_000 + (process.pid % 1000) * 10;
    for (const [i, label] of labels.entries())
      expect((await queued(base + i, label)).status).toBe(202);
    const jobs = await Promise.all(labels.map((_, i) => finished(base + i)));
    for (const job of jobs) {
      expect(job.status).toBe("completed");
      expect(job.cost?.instanceUsd).toBeGreaterThan(0);
    }
    // The day the instances launched (today, unless the run crossed midnight UTC).
    const instance = (await (await admin(`/api/instances/${jobs[0]?.instanceId}`)).json()) as {
      launchedAt: string;
    };
    const date = instance.launchedAt.slice(0, 10);

    const res = await admin(`/api/reports/cost?date=${date}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/markdown/);
    const markdown = await res.text();
    for (const section of sections) expect(markdown).toContain(`## ${section}`);
    expect(markdown).toContain("octo-org/cost");

    const json = (await (await admin(`/api/reports/cost?date=${date}&format=json`)).json()) as {
      summary: { ec2Usd: number; totalUsd: number };
    };
    expect(json.summary.ec2Usd).toBeGreaterThan(0);
    expect(json.summary.totalUsd).toBeGreaterThanOrEqual(json.summary.ec2Usd);

    // The same report through the CLI, as an operator reads it.
    const cli = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
      const p = spawn(
        process.execPath,
        [join(root, "bin", "runs-fleet.js"), "report", "cost", "--date", date],
        { env: { ...process.env, RUNS_FLEET_URL: url, RUNS_FLEET_ADMIN_TOKEN: token } },
      );
      let stdout = "";
      p.stdout.on("data", (b: Buffer) => {
        stdout += b.toString();
      });
      p.once("exit", (status) => resolve({ status, stdout }));
    });
    expect(cli.status).toBe(0);
    for (const section of sections) expect(cli.stdout).toContain(`## ${section}`);
  }, 120_000);
});
