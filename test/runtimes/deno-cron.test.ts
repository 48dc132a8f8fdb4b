import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlane, deliver, workflowJobExample } from "../support/app.ts";
import { motoAvailable, motoSkipReason } from "../support/moto.ts";
import { bin, type Proc, startProcess } from "../support/processes.ts";
import { type AwsEnvironment, startAwsEnvironment } from "./aws-env.ts";

if (!motoAvailable) console.warn(`Deno.cron tick: skipped. ${motoSkipReason}`);

let aws: AwsEnvironment;
let proc: Proc | undefined;
beforeAll(async () => {
  if (motoAvailable) aws = await startAwsEnvironment();
});
afterAll(async () => {
  await proc?.stop("SIGKILL");
  await aws?.stop();
});

describe.skipIf(!motoAvailable)("the control plane on Deno with Deno.cron", () => {
  it("registers a cron whose tick drains a queued job into a launch", async () => {
    const env = aws.env({ RUNS_FLEET_LOOPS: "off", DENO_NO_UPDATE_CHECK: "1" });
    // The job waits in the queue before Deno starts: only the tick can move it.
    const intake = buildPlane(aws.b, {
      queueUrl: env.RUNS_FLEET_JOB_QUEUE_URL as string,
      eventsQueueUrl: env.RUNS_FLEET_EVENTS_QUEUE_URL as string,
    });
    const jobId = "880201";
    const payload = await workflowJobExample("queued", {
      labels: ["runs-fleet/cpu=2/arch=arm64"],
      jobId: Number(jobId),
    });
    expect((await deliver(intake.app, "workflow_job", payload)).status).toBe(202);
    expect((await intake.jobs.get(jobId))?.status).toBe("queued");

    proc = startProcess(
      bin("deno"),
      [
        "run",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        "--allow-sys",
        "--config",
        "deno.json",
        "test/runtimes/deno-cron-driver.ts",
      ],
      env,
    );
    const [, registered] = await proc.waitFor(/cron registered (\{.*\})/, 120_000);
    expect(JSON.parse(registered as string)).toEqual({
      name: "runs-fleet tick",
      schedule: "* * * * *",
    });
    await proc.waitFor(/tick done/, 60_000);

    const job = await intake.jobs.get(jobId);
    expect(job).toMatchObject({ status: "launched", instanceId: expect.stringMatching(/^i-/) });
    const instances = await aws.instancesOf(jobId);
    expect(instances.map((i) => i.InstanceId)).toEqual([job?.instanceId]);
    expect(await aws.runnerConfigOf(job?.instanceId as string)).toMatchObject({
      kind: "jit",
      jobId,
    });
  }, 150_000);
});
