import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliver, workflowJobExample } from "../support/app.ts";
import { type Proc, startProcess } from "../support/processes.ts";

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "runs-fleet-local-"));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function startLocal(
  env: Record<string, string> = {},
): Promise<{ proc: Proc; url: string; secret: string; token: string }> {
  const proc = startProcess(process.execPath, ["--import", "tsx", "src/control/entry/node.ts"], {
    RUNS_FLEET_DATA_DIR: dataDir,
    PORT: "0",
    RUNS_FLEET_WEBHOOK_SECRET: undefined,
    RUNS_FLEET_ADMIN_TOKEN: undefined,
    RUNS_FLEET_DRY_RUN_JOB_SECONDS: "1",
    ...env,
  });
  const [, url] = await proc.waitFor(/URL:\s+(http:\/\/\S+)/);
  const [, secret] = await proc.waitFor(/webhook secret:\s+(\S+)/);
  const [, token] = await proc.waitFor(/admin token:\s+(\S+)/);
  return { proc, url: url as string, secret: secret as string, token: token as string };
}

const remote = (url: string) => ({
  request: (path: string, init: RequestInit) => fetch(`${url}${path}`, init),
});

describe("local mode (npm start)", () => {
  it("starts with no configuration, prints its secrets, and keeps jobs and secrets across a restart", async () => {
    const first = await startLocal();
    let second: Awaited<ReturnType<typeof startLocal>> | undefined;
    try {
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
      const payload = await workflowJobExample("queued", {
        labels: ["runs-fleet/cpu=2"],
        jobId: 777001,
      });
      const res = await deliver(remote(first.url), "workflow_job", payload, {
        secret: first.secret,
      });
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ outcome: "queued" });
      expect(await first.proc.stop("SIGTERM")).toBe(0);

      second = await startLocal();
      expect(second.secret).toBe(first.secret);
      expect(second.token).toBe(first.token);
      const job = await fetch(`${second.url}/api/jobs/777001`, {
        headers: { authorization: `Bearer ${second.token}` },
      });
      expect(job.status).toBe(200);
      expect(await job.json()).toMatchObject({
        jobId: "777001",
        spec: { cpu: { min: 2, max: 4 } },
      });
      const denied = await fetch(`${second.url}/api/jobs/777001`);
      expect(denied.status).toBe(401);
    } finally {
      await first.proc.stop("SIGKILL");
      await second?.proc.stop("SIGKILL");
    }
  });

  it("fails at start with every configuration problem listed", async () => {
    const proc = startProcess(process.execPath, ["--import", "tsx", "src/control/entry/node.ts"], {
      RUNS_FLEET_DATA_DIR: dataDir,
      PORT: "99999999",
      RUNS_FLEET_MODE: "cloud",
      RUNS_FLEET_LOG_LEVEL: "loud",
    });
    const code = await new Promise<number | null>((r) => proc.child.once("exit", r));
    expect(code).toBe(2);
    expect(proc.output()).toMatch(/PORT: must be a port number/);
    expect(proc.output()).toMatch(/RUNS_FLEET_MODE: must be "local" or "aws"/);
    expect(proc.output()).toMatch(/RUNS_FLEET_LOG_LEVEL/);
  });

  it("lists a bad variable and a missing GitHub App together on stderr in AWS mode, exit 2", async () => {
    const proc = startProcess(process.execPath, ["--import", "tsx", "src/control/entry/node.ts"], {
      RUNS_FLEET_MODE: "aws",
      PORT: "99999999",
      RUNS_FLEET_JOB_QUEUE_URL: "http://127.0.0.1:9/jobs",
      RUNS_FLEET_EVENTS_QUEUE_URL: "http://127.0.0.1:9/events",
      RUNS_FLEET_WEBHOOK_SECRET: "w".repeat(20),
      RUNS_FLEET_ADMIN_TOKEN: "t".repeat(20),
      RUNS_FLEET_CONFIG_FILE: undefined,
      RUNS_FLEET_GITHUB_APP_ID: undefined,
      RUNS_FLEET_GITHUB_APPS: undefined,
    });
    let stderr = "";
    proc.child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    // `close` comes after the output streams end, so stderr is complete.
    const code = await new Promise<number | null>((r) => proc.child.once("close", r));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^ {2}- PORT: must be a port number$/m);
    expect(stderr).toMatch(
      /^ {2}- RUNS_FLEET_GITHUB_APP_ID: a GitHub App is required in AWS mode$/m,
    );
  });

  it("runs the demo: jobs of a few specs complete on local agents, a duplicate changes nothing, a typo is rejected", async () => {
    const local = await startLocal();
    try {
      const demo = startProcess(process.execPath, ["--import", "tsx", "scripts/demo.ts"], {
        RUNS_FLEET_URL: local.url,
        RUNS_FLEET_DATA_DIR: dataDir,
      });
      const code = await new Promise<number | null>((r) => demo.child.once("exit", r));
      const out = demo.output();
      expect(code).toBe(0);
      expect(out).toMatch(/a second time \(a redelivery\): 202 duplicate/);
      expect(out).toMatch(
        /rejected — runs-fleet\/cpus=4: unknown key "cpus" — did you mean "cpu"\?/,
      );
      expect(out.match(/completed on local-/g)?.length).toBe(3);
      expect(out).toMatch(/on-demand: spot=false/);
    } finally {
      await local.proc.stop("SIGKILL");
    }
  }, 120_000);

  it("sends queued jobs again after a restart, since local queues live in memory", async () => {
    // No loops: the job stays queued, its message only in this process's memory.
    const first = await startLocal({ RUNS_FLEET_LOOPS: "off" });
    let second: Awaited<ReturnType<typeof startLocal>> | undefined;
    try {
      const payload = await workflowJobExample("queued", {
        labels: ["runs-fleet/cpu=2"],
        jobId: 777002,
      });
      expect(
        (await deliver(remote(first.url), "workflow_job", payload, { secret: first.secret }))
          .status,
      ).toBe(202);
      await first.proc.stop("SIGKILL");

      second = await startLocal();
      await second.proc.waitFor(/queued jobs sent again after a restart/);
      const deadline = Date.now() + 60_000;
      let status = "";
      while (status !== "completed" && Date.now() < deadline) {
        const res = await fetch(`${second.url}/api/jobs/777002`, {
          headers: { authorization: `Bearer ${second.token}` },
        });
        status = ((await res.json()) as { status: string }).status;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe("completed");
    } finally {
      await first.proc.stop("SIGKILL");
      await second?.proc.stop("SIGKILL");
    }
  }, 120_000);
});
