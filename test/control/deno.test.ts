import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, deliver, WEBHOOK_SECRET, workflowJobExample } from "../support/app.ts";
import { awsFleetFile, githubAppEnv } from "../support/aws-mode.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";
import { bin, startProcess } from "../support/processes.ts";

let b: Backends;
beforeAll(async () => {
  b = await startBackends();
});
afterAll(async () => {
  await b?.stop();
});

describe("the control plane under Deno", () => {
  it("boots from src/control/entry/deno.ts and answers a signed webhook", async () => {
    const queue = b.newQueue();
    const configFile = join(await mkdtemp(join(tmpdir(), "runs-fleet-deno-")), "fleet.yaml");
    await writeFile(configFile, awsFleetFile);
    const proc = startProcess(
      bin("deno"),
      [
        "run",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        "--allow-sys",
        "--config",
        "deno.json",
        "src/control/entry/deno.ts",
      ],
      {
        RUNS_FLEET_MODE: "aws",
        PORT: "0",
        RUNS_FLEET_DYNAMODB_ENDPOINT: b.db.endpoint,
        RUNS_FLEET_SQS_ENDPOINT: b.sqs.endpoint,
        RUNS_FLEET_JOB_QUEUE_URL: queue,
        RUNS_FLEET_EVENTS_QUEUE_URL: b.newQueue("events"),
        RUNS_FLEET_WEBHOOK_SECRET: WEBHOOK_SECRET,
        RUNS_FLEET_ADMIN_TOKEN: ADMIN_TOKEN,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        DENO_NO_UPDATE_CHECK: "1",
        // Only the HTTP side is under test: no loops (a Deno.cron tick would drain instead), and
        // EC2/SSM pointed at a closed loopback port so nothing here can reach out.
        RUNS_FLEET_LOOPS: "off",
        RUNS_FLEET_EC2_ENDPOINT: "http://127.0.0.1:9",
        RUNS_FLEET_SSM_ENDPOINT: "http://127.0.0.1:9",
        RUNS_FLEET_CONFIG_FILE: configFile,
        ...githubAppEnv(),
      },
    );
    try {
      const [, url] = await proc.waitFor(/"url":"(http:\/\/[^"]+)"/, 120_000);
      const base = (url as string).replace("0.0.0.0", "127.0.0.1");
      const remote = {
        request: (path: string, init: RequestInit) => fetch(`${base}${path}`, init),
      };
      const payload = await workflowJobExample("queued", {
        labels: ["runs-fleet/cpu=4/arch=arm64"],
        jobId: 880001,
      });
      const res = await deliver(remote, "workflow_job", payload);
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ outcome: "queued", jobId: "880001" });
      const bad = await deliver(remote, "workflow_job", payload, {
        secret: "not-the-secret-at-all",
      });
      expect(bad.status).toBe(401);
      const job = await fetch(`${base}/api/jobs/880001`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(await job.json()).toMatchObject({
        status: "queued",
        candidates: expect.arrayContaining(["c8g.xlarge"]),
      });
    } finally {
      await proc.stop("SIGKILL");
    }
  });
});
