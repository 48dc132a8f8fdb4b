import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bunExecutable } from "../../src/control/entry/bun-path.ts";
import { deliver, workflowJobExample } from "../support/app.ts";
import { type Proc, root, startProcess } from "../support/processes.ts";
import { jobOf, untilJob } from "./job-api.ts";

let dataDir: string;
let proc: Proc | undefined;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "runs-fleet-bun-"));
});
afterAll(async () => {
  await proc?.stop("SIGKILL");
  await rm(dataDir, { recursive: true, force: true });
});

describe("the control plane under Bun", () => {
  it("serves the Node entry in local mode: /healthz, a signed webhook, and the job runs to its end", async () => {
    proc = startProcess(bunExecutable(root), ["src/control/entry/node.ts"], {
      RUNS_FLEET_DATA_DIR: dataDir,
      PORT: "0",
      RUNS_FLEET_MODE: undefined,
      RUNS_FLEET_WEBHOOK_SECRET: undefined,
      RUNS_FLEET_ADMIN_TOKEN: undefined,
      RUNS_FLEET_DRY_RUN_JOB_SECONDS: "1",
      RUNS_FLEET_LOCAL_HEARTBEAT_SECONDS: "1",
    });
    const [, url] = await proc.waitFor(/URL:\s+(http:\/\/\S+)/, 60_000);
    const [, secret] = await proc.waitFor(/webhook secret:\s+(\S+)/);
    const [, token] = await proc.waitFor(/admin token:\s+(\S+)/);
    const base = url as string;

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);

    const remote = { request: (path: string, init: RequestInit) => fetch(`${base}${path}`, init) };
    const payload = await workflowJobExample("queued", {
      labels: ["runs-fleet/cpu=2"],
      jobId: 990001,
    });
    const res = await deliver(remote, "workflow_job", payload, { secret: secret as string });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ outcome: "queued", jobId: "990001" });
    const forged = await deliver(remote, "workflow_job", payload, { secret: "x".repeat(30) });
    expect(forged.status).toBe(401);

    // The loops run under Bun too: a local agent takes the job and reports its end.
    const done = await untilJob(
      base,
      "990001",
      (j) => j.status === "completed",
      60_000,
      token as string,
    );
    expect(done.instanceId).toMatch(/^local-/);
    expect(await jobOf(base, "990001", token as string)).toMatchObject({ status: "completed" });
  }, 90_000);
});
