import { spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleInstance } from "../../test/support/instances.ts";
import { defaultSpec, sampleJob } from "../../test/support/jobs.ts";
import { fixedClock } from "../control/adapters/clock.ts";
import { createMemoryCircuitStore } from "../control/adapters/memory/circuit-store.ts";
import { createMemoryInstanceStore } from "../control/adapters/memory/instance-store.ts";
import { createMemoryJobStore } from "../control/adapters/memory/job-store.ts";
import { jobRoutes, requireBearer } from "../control/http/admin.ts";
import { fleetRoutes } from "../control/http/fleet-routes.ts";
import { createCircuitService } from "../control/services/common/circuits.ts";
import type { AccessDeps } from "./debug-access.ts";
import { runCommand } from "./run.ts";

const token = "cli-test-admin-token";
const clock = fixedClock(Date.parse("2026-05-01T00:00:00Z"));
const jobs = createMemoryJobStore({ clock });
const instances = createMemoryInstanceStore({ clock });
let server: ReturnType<typeof serve>;
let url = "";

beforeAll(async () => {
  // The admin API's own routes, behind its bearer check, on a real HTTP port.
  const app = new Hono();
  app.use("/api/*", requireBearer(token));
  app.route("/", jobRoutes({ jobs }));
  const circuits = createCircuitService({ store: createMemoryCircuitStore(), clock });
  app.route("/", fleetRoutes({ instances, circuits }));
  await jobs.create(
    sampleJob({ jobId: "101", status: "running", instanceId: "i-0abc1234def567890" }),
  );
  await instances.create(
    sampleInstance("i-0abc1234def567890", { jobId: "101", region: "eu-west-1" }),
  );
  const windows = { ...defaultSpec, os: "windows" as const };
  await jobs.create(
    sampleJob({
      jobId: "102",
      status: "completed",
      instanceId: "i-0000000000000abcd",
      spec: windows,
    }),
  );
  await instances.create(sampleInstance("i-0000000000000abcd", { jobId: "102", state: "running" }));
  await jobs.create(sampleJob({ jobId: "103", status: "queued", instanceId: null }));
  await jobs.create(
    sampleJob({ jobId: "104", status: "completed", instanceId: "i-00000000000000ded" }),
  );
  await instances.create(
    sampleInstance("i-00000000000000ded", {
      jobId: "104",
      state: "terminated",
      terminatedAt: "2026-05-01T00:05:00.000Z",
      reason: "job success",
    }),
  );
  await jobs.create(sampleJob({ jobId: "105", status: "running", instanceId: "local-x-1" }));
  await instances.create(sampleInstance("local-x-1", { jobId: "105" }));
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function deps(over: Partial<AccessDeps> = {}) {
  const ran: string[][] = [];
  const asked: string[] = [];
  const d: AccessDeps = {
    env: { RUNS_FLEET_URL: url, RUNS_FLEET_ADMIN_TOKEN: token },
    resolveHost: async (id, region) => {
      asked.push(`${id}@${region}`);
      return "203.0.113.7";
    },
    exec: (argv) => {
      ran.push([...argv]);
      return 0;
    },
    ...over,
  };
  return { d, ran, asked };
}

describe("runs-fleet session", () => {
  it("prints the start-session command for the job's instance, in its region", async () => {
    const r = await runCommand(["session", "101"], deps().d);
    expect(r).toEqual({
      exitCode: 0,
      stdout: "aws ssm start-session --target i-0abc1234def567890 --region eu-west-1\n",
      stderr: "",
    });
  });

  it("runs it with --exec and exits as it does", async () => {
    const { d, ran } = deps({ exec: () => 130 });
    const r = await runCommand(["session", "101", "--exec"], d);
    expect(r.exitCode).toBe(130);
    expect(ran).toEqual([]);
    const second = deps();
    expect((await runCommand(["session", "101", "--exec"], second.d)).exitCode).toBe(0);
    expect(second.ran).toEqual([
      ["aws", "ssm", "start-session", "--target", "i-0abc1234def567890", "--region", "eu-west-1"],
    ]);
  });
});

describe("runs-fleet ssh", () => {
  it("asks EC2 for the address and prints ssh as ec2-user, with the key when given", async () => {
    const { d, asked } = deps();
    expect((await runCommand(["ssh", "101"], d)).stdout).toBe("ssh ec2-user@203.0.113.7\n");
    expect(asked).toEqual(["i-0abc1234def567890@eu-west-1"]);
    const r = await runCommand(["ssh", "101", "-i", "my key.pem", "--user", "me"], d);
    expect(r.stdout).toBe("ssh -i 'my key.pem' me@203.0.113.7\n");
  });

  it("uses --host without asking EC2, and Administrator for a Windows job kept after its end", async () => {
    const { d, asked } = deps();
    const r = await runCommand(["ssh", "102", "--host", "10.0.0.5"], d);
    expect(r.stdout).toBe("ssh Administrator@10.0.0.5\n");
    expect(asked).toEqual([]);
  });

  it("says so when EC2 knows no address", async () => {
    const r = await runCommand(["ssh", "101"], deps({ resolveHost: async () => null }).d);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/has no IP address yet; try again, or use "runs-fleet session"/);
  });
});

describe("errors", () => {
  it("a job with no instance, an instance gone, an unknown job, a local-mode instance", async () => {
    const { d } = deps();
    const none = await runCommand(["session", "103"], d);
    expect(none).toMatchObject({ exitCode: 1, stdout: "" });
    expect(none.stderr).toBe("runs-fleet: job 103 has no instance (it is queued)\n");
    const gone = await runCommand(["ssh", "104"], d);
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toContain(
      "instance i-00000000000000ded of job 104 is gone: terminated at 2026-05-01T00:05:00.000Z (job success)",
    );
    expect(gone.stderr).toContain("debug=<minutes>");
    expect((await runCommand(["ssh", "999"], d)).stderr).toBe("runs-fleet: job 999 is not known\n");
    const local = await runCommand(["session", "105"], d);
    expect(local.exitCode).toBe(1);
    expect(local.stderr).toMatch(/local-x-1 is a local-mode process, not an EC2 instance/);
  });

  it("a wrong token, no admin API, a bad job id, a wrong command line: exit 2", async () => {
    const wrong = deps({ env: { RUNS_FLEET_URL: url, RUNS_FLEET_ADMIN_TOKEN: "nope" } }).d;
    expect(await runCommand(["session", "101"], wrong)).toMatchObject({ exitCode: 2 });
    const unset = await runCommand(["session", "101"], deps({ env: {} }).d);
    expect(unset.exitCode).toBe(2);
    expect(unset.stderr).toMatch(/set RUNS_FLEET_URL and RUNS_FLEET_ADMIN_TOKEN/);
    // Flags beat the environment.
    const flags = await runCommand(
      ["session", "101", "--url", url, "--token", token],
      deps({ env: {} }).d,
    );
    expect(flags.exitCode).toBe(0);
    const bad = await runCommand(["ssh", "../jobs"], deps().d);
    expect(bad).toMatchObject({ exitCode: 2 });
    expect(bad.stderr).toMatch(/numeric job id/);
    expect((await runCommand(["ssh"], deps().d)).exitCode).toBe(2);
    expect((await runCommand(["ssh", "1", "2"], deps().d)).exitCode).toBe(2);
    expect((await runCommand(["ssh", "1", "--bogus"], deps().d)).exitCode).toBe(2);
  });

  it("help for both commands", async () => {
    const help = await runCommand(["ssh", "--help"], deps().d);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^usage: runs-fleet ssh <job-id>/);
    expect((await runCommand(["help", "session"], deps().d)).stdout).toMatch(
      /^usage: runs-fleet session <job-id>/,
    );
  });
});

describe("runs-fleet session (spawned)", () => {
  it("reads RUNS_FLEET_URL and RUNS_FLEET_ADMIN_TOKEN and prints the command", async () => {
    const bin = fileURLToPath(new URL("../../bin/runs-fleet.js", import.meta.url));
    const child = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
      // Asynchronous: the admin API answers from this same process.
      const p = spawn(process.execPath, [bin, "session", "101"], {
        env: { ...process.env, RUNS_FLEET_URL: url, RUNS_FLEET_ADMIN_TOKEN: token },
      });
      let stdout = "";
      p.stdout.on("data", (b: Buffer) => {
        stdout += b.toString();
      });
      p.once("exit", (status) => resolve({ status, stdout }));
    });
    expect(child).toEqual({
      status: 0,
      stdout: "aws ssm start-session --target i-0abc1234def567890 --region eu-west-1\n",
    });
  });
});
