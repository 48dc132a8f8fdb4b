import { describe, expect, it } from "vitest";
import { agentEnvironment, parseAgentEnv, settingsFromTags } from "./agent-env.ts";

const queue = "http://127.0.0.1:4566/000000000000/events";

describe("parseAgentEnv", () => {
  it("applies defaults", () => {
    const r = parseAgentEnv({ RUNS_FLEET_EVENTS_QUEUE_URL: queue });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.env).toMatchObject({
      eventsQueueUrl: queue,
      imdsEndpoint: "http://169.254.169.254",
      runnerConfigSource: { kind: "ssm" },
      ssmPrefix: "/runs-fleet",
      heartbeatSeconds: 15,
      interruptionPollSeconds: 5,
      maxRuntimeMinutes: 360,
      standbyMinutes: 120,
      logLevel: "info",
    });
    expect(r.env.teardown).toBeUndefined();
    expect(r.env.credentials).toBeUndefined();
  });

  it("lists every problem at once, by variable name", () => {
    const r = parseAgentEnv({
      RUNS_FLEET_HEARTBEAT_SECONDS: "soon",
      RUNS_FLEET_TEARDOWN: "explode",
      RUNS_FLEET_RUNNER_CONFIG_SOURCE: "s3",
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.issues.join("\n");
    expect(text).toContain("RUNS_FLEET_EVENTS_QUEUE_URL: is required");
    expect(text).toContain("RUNS_FLEET_HEARTBEAT_SECONDS");
    expect(text).toContain("RUNS_FLEET_TEARDOWN");
    expect(text).toContain("RUNS_FLEET_RUNNER_CONFIG_SOURCE");
    expect(r.issues).toHaveLength(4);
  });

  it("treats empty values as unset and accepts sub-second durations", () => {
    const r = parseAgentEnv({
      RUNS_FLEET_EVENTS_QUEUE_URL: queue,
      RUNS_FLEET_SQS_ENDPOINT: "",
      RUNS_FLEET_HEARTBEAT_SECONDS: "0.2",
    });
    expect(r.ok && r.env.heartbeatSeconds).toBe(0.2);
    expect(r.ok && r.env.sqsEndpoint).toBeUndefined();
  });
});

describe("agentEnvironment", () => {
  it("round-trips through parseAgentEnv", () => {
    const env = agentEnvironment({
      eventsQueueUrl: queue,
      sqsEndpoint: "http://127.0.0.1:4566",
      imdsEndpoint: "http://127.0.0.1:9999",
      runnerConfigSource: { kind: "file", dir: "/tmp/configs" },
      heartbeatSeconds: 0.2,
      interruptionPollSeconds: 0.1,
      maxRuntimeMinutes: 1.5,
      standbyMinutes: 2,
      spoolDir: "/tmp/spool",
      teardown: "exit",
      region: "eu-west-1",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
    });
    expect(Object.keys(env).every((k) => k.startsWith("RUNS_FLEET_") || k.startsWith("AWS_"))).toBe(
      true,
    );
    const r = parseAgentEnv(env);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.env).toMatchObject({
      sqsEndpoint: "http://127.0.0.1:4566",
      runnerConfigSource: { kind: "file", dir: "/tmp/configs" },
      heartbeatSeconds: 0.2,
      interruptionPollSeconds: 0.1,
      maxRuntimeMinutes: 1.5,
      teardown: "exit",
      region: "eu-west-1",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
    });
  });
});

describe("settingsFromTags", () => {
  it("maps known runs-fleet tags and ignores the rest", () => {
    expect(
      settingsFromTags({
        "runs-fleet:pool": "warm",
        "runs-fleet:max-runtime-minutes": "30",
        "runs-fleet:managed": "true",
        Name: "x",
      }),
    ).toEqual({ RUNS_FLEET_POOL: "warm", RUNS_FLEET_MAX_RUNTIME_MINUTES: "30" });
  });
});
