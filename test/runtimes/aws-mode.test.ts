import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FleetTag } from "../../src/control/domain/launch-slot.ts";
import { ADMIN_TOKEN, deliver, workflowJobExample } from "../support/app.ts";
import { motoAvailable, motoSkipReason } from "../support/moto.ts";
import { type Proc, startProcess } from "../support/processes.ts";
import { type AwsEnvironment, startAwsEnvironment } from "./aws-env.ts";
import { jobOf, untilJob } from "./job-api.ts";

if (!motoAvailable) console.warn(`AWS mode as a process: skipped. ${motoSkipReason}`);

let aws: AwsEnvironment;
let proc: Proc | undefined;
beforeAll(async () => {
  if (motoAvailable) aws = await startAwsEnvironment();
});
afterAll(async () => {
  await proc?.stop("SIGKILL");
  await aws?.stop();
});

describe.skipIf(!motoAvailable)("AWS mode as a process (npm start's Node entry)", () => {
  it("turns a signed webhook into a CreateFleet in EC2 (moto) and a runner config in SSM (moto)", async () => {
    proc = startProcess(process.execPath, ["--import", "tsx", "src/control/entry/node.ts"], {
      ...aws.env(),
    });
    const [, url] = await proc.waitFor(/"url":"(http:\/\/[^"]+)"/, 60_000);
    const base = url as string;
    const remote = { request: (path: string, init: RequestInit) => fetch(`${base}${path}`, init) };

    const jobId = "880101";
    const payload = await workflowJobExample("queued", {
      labels: ["runs-fleet/cpu=2/arch=arm64"],
      jobId: Number(jobId),
    });
    const res = await deliver(remote, "workflow_job", payload);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ outcome: "queued", jobId });

    const job = await untilJob(base, jobId, (j) => j.status === "launched");
    expect(job.instanceId).toMatch(/^i-[0-9a-f]+$/);
    const instances = await aws.instancesOf(jobId);
    expect(instances.map((i) => i.InstanceId)).toEqual([job.instanceId]);
    const tags = Object.fromEntries(
      (instances[0]?.Tags ?? []).map((t) => [t.Key as string, t.Value as string]),
    );
    expect(tags).toMatchObject({
      [FleetTag.managed]: "true",
      [FleetTag.jobId]: jobId,
      [FleetTag.repo]: "Codertocat/Hello-World",
    });
    expect(aws.github.count("POST", /\/actions\/runners\/generate-jitconfig$/)).toBe(1);

    const instanceId = job.instanceId as string;
    expect(await aws.runnerConfigOf(instanceId)).toMatchObject({ kind: "jit", jobId });
    // A SecureString only the instance's own session may read (the runner policy's condition).
    expect(await aws.parameterOf(instanceId)).toEqual({
      type: "SecureString",
      tags: {
        "runs-fleet:reader": `AROAEXAMPLERUNNERROLE:${instanceId}`,
        "runs-fleet:env": "default",
      },
    });
    // The admin API answers with the token only, over the same process.
    expect((await fetch(`${base}/api/jobs/${jobId}`)).status).toBe(401);
    expect(await jobOf(base, jobId, ADMIN_TOKEN)).toMatchObject({ status: "launched" });
  }, 90_000);
});
