import { describe, expect, it } from "vitest";
import { resolveConfig } from "./resolve.ts";

const identity = { instanceId: "i-1", region: "eu-west-1", instanceType: "c7g.large" };
const queue = "https://sqs.eu-west-1.amazonaws.com/1/events";

describe("resolveConfig", () => {
  it("takes settings from tags, overridden by the env file, overridden by the process", () => {
    const r = resolveConfig({
      tags: {
        "runs-fleet:events-queue-url": queue,
        "runs-fleet:max-runtime-minutes": "30",
        "runs-fleet:heartbeat-seconds": "20",
        "runs-fleet:job-id": "42",
      },
      envFile: { RUNS_FLEET_HEARTBEAT_SECONDS: "10", RUNS_FLEET_STANDBY_MINUTES: "5" },
      processEnv: { RUNS_FLEET_STANDBY_MINUTES: "1", PATH: "/bin" },
      identity,
      platform: "linux",
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).toMatchObject({
      eventsQueueUrl: queue,
      maxRuntimeMinutes: 30,
      heartbeatSeconds: 10,
      standbyMinutes: 1,
      jobId: "42",
      instanceId: "i-1",
      region: "eu-west-1",
      teardown: "terminate",
      spoolDir: "/var/lib/runs-fleet/spool",
      runnerDir: "/opt/actions-runner",
    });
  });

  it("sends pool instances back to standby and uses Windows paths on Windows", () => {
    const r = resolveConfig({
      tags: { "runs-fleet:pool": "warm" },
      envFile: { RUNS_FLEET_EVENTS_QUEUE_URL: queue },
      processEnv: { ProgramData: "D:\\Data" },
      identity,
      platform: "win32",
    });
    expect(r.ok && r.config.teardown).toBe("standby");
    expect(r.ok && r.config.spoolDir).toBe("D:\\Data\\runs-fleet\\spool");
  });

  it("reports every problem, a missing region included", () => {
    const r = resolveConfig({
      tags: {},
      envFile: { RUNS_FLEET_GRACE_SECONDS: "-1" },
      processEnv: {},
      identity: { instanceId: "i-1" },
      platform: "linux",
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual([
      "RUNS_FLEET_EVENTS_QUEUE_URL: is required",
      "RUNS_FLEET_GRACE_SECONDS: must be a non-negative decimal number",
      "AWS_REGION: is required (IMDS did not report a region)",
    ]);
  });
});
