import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliver, workflowJobExample } from "../support/app.ts";
import { startProcess } from "../support/processes.ts";

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "runs-fleet-debug-"));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** Polls `read` until `done` holds for its value (each wait is for a condition, not a duration). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("condition not reached");
}

describe("debug= in local mode", () => {
  it("keeps the instance after its job for the asked minutes, then it ends itself", async () => {
    // A test minute of 4 s: debug=2 holds the instance 8 s after its job.
    const proc = startProcess(process.execPath, ["--import", "tsx", "src/control/entry/node.ts"], {
      RUNS_FLEET_DATA_DIR: dataDir,
      PORT: "0",
      RUNS_FLEET_WEBHOOK_SECRET: undefined,
      RUNS_FLEET_ADMIN_TOKEN: undefined,
      RUNS_FLEET_DRY_RUN_JOB_SECONDS: "1",
      RUNS_FLEET_DEBUG_MINUTE_SECONDS: "4",
    });
    try {
      const [, url] = await proc.waitFor(/URL:\s+(http:\/\/\S+)/);
      const [, secret] = await proc.waitFor(/webhook secret:\s+(\S+)/);
      const [, token] = await proc.waitFor(/admin token:\s+(\S+)/);
      const get = async (path: string) =>
        (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();
      const payload = await workflowJobExample("queued", {
        labels: ["runs-fleet/debug=2"],
        jobId: 778001,
      });
      const app = { request: (path: string, init: RequestInit) => fetch(`${url}${path}`, init) };
      expect(
        (await deliver(app, "workflow_job", payload, { secret: secret as string })).status,
      ).toBe(202);
      const job = await until(
        () => get("/api/jobs/778001"),
        (j) => j.status === "completed",
      );
      expect(job.spec.debugMinutes).toBe(2);
      // The job is over; its instance is not: the completion kept it, saying until when.
      const held = await until(
        () => get(`/api/instances/${job.instanceId}`),
        (i) => typeof i.reason === "string" && i.reason.startsWith("debug:"),
      );
      expect(held.state).toBe("running");
      // Then the agent ends it by itself (local mode: the process exits, EC2's event follows).
      const ended = await until(
        () => get(`/api/instances/${job.instanceId}`),
        (i) => i.state === "terminated",
      );
      expect(ended.reason).toMatch(/^debug: kept after job success until /);
    } finally {
      await proc.stop("SIGKILL");
    }
  }, 150_000);
});
