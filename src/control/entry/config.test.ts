import { describe, expect, it } from "vitest";
import { type Env, parseConfig } from "./config.ts";

/** The config of an accepted environment; a refused one fails the test with its problems. */
function accepted(env: Env) {
  const result = parseConfig(env);
  if (!result.ok) throw new Error(`refused: ${result.problems.join("; ")}`);
  return result.value;
}

/** The problems of a refused environment, joined; an accepted one fails the test. */
function refused(env: Env): string {
  const result = parseConfig(env);
  if (result.ok) throw new Error("accepted an environment it should refuse");
  return result.problems.join("; ");
}

describe("parseConfig", () => {
  it("runs local mode with defaults when nothing is set", () => {
    const c = accepted({});
    expect(c).toMatchObject({
      mode: "local",
      host: "127.0.0.1",
      port: 8080,
      dataDir: "./.runs-fleet",
      tablePrefix: "runs-fleet-",
      region: "us-east-1",
      regions: ["us-east-1"],
      environments: ["default"],
      webhookSecrets: [],
      logLevel: "info",
    });
  });

  it("treats empty variables as unset", () => {
    expect(accepted({ PORT: "", RUNS_FLEET_MODE: "" }).port).toBe(8080);
  });

  it("reads lists and keeps the previous webhook secret for rotation", () => {
    const c = accepted({
      RUNS_FLEET_REGIONS: "eu-west-1, us-west-2",
      RUNS_FLEET_ENVIRONMENTS: "default,staging",
      RUNS_FLEET_WEBHOOK_SECRET: "a".repeat(20),
      RUNS_FLEET_WEBHOOK_SECRET_PREVIOUS: "b".repeat(20),
    });
    expect(c.region).toBe("eu-west-1");
    expect(c.regions).toEqual(["eu-west-1", "us-west-2"]);
    expect(c.environments).toEqual(["default", "staging"]);
    expect(c.webhookSecrets).toEqual(["a".repeat(20), "b".repeat(20)]);
  });

  it("lists every problem at once, naming each variable, as a value rather than a throw", () => {
    const env = {
      PORT: "http",
      RUNS_FLEET_WEBHOOK_SECRET: "short",
      AWS_REGION: "mars",
      RUNS_FLEET_ENVIRONMENTS: "Prod",
    };
    expect(() => parseConfig(env)).not.toThrow();
    const issues = refused(env);
    expect(issues).toMatch(/PORT/);
    expect(issues).toMatch(/RUNS_FLEET_WEBHOOK_SECRET: must be at least 16 characters/);
    expect(issues).toMatch(/AWS_REGION/);
    expect(issues).toMatch(/RUNS_FLEET_ENVIRONMENTS/);
  });

  it("requires queues and secrets in AWS mode", () => {
    expect(refused({ RUNS_FLEET_MODE: "aws" })).toMatch(
      /RUNS_FLEET_JOB_QUEUE_URL.*RUNS_FLEET_EVENTS_QUEUE_URL.*RUNS_FLEET_WEBHOOK_SECRET.*RUNS_FLEET_ADMIN_TOKEN/,
    );
  });

  it("gives AWS mode its queues and admin token as required values", () => {
    const c = accepted({
      RUNS_FLEET_MODE: "aws",
      RUNS_FLEET_JOB_QUEUE_URL: "https://sqs.example/jobs",
      RUNS_FLEET_EVENTS_QUEUE_URL: "https://sqs.example/events",
      RUNS_FLEET_WEBHOOK_SECRET: "w".repeat(20),
      RUNS_FLEET_ADMIN_TOKEN: "t".repeat(20),
    });
    expect(c.mode === "aws" && [c.jobQueueUrl, c.eventsQueueUrl, c.adminToken]).toEqual([
      "https://sqs.example/jobs",
      "https://sqs.example/events",
      "t".repeat(20),
    ]);
    expect(c.metrics).toBe("emf");
  });

  it("refuses a default region outside the configured regions", () => {
    expect(refused({ AWS_REGION: "us-east-1", RUNS_FLEET_REGIONS: "eu-west-1" })).toMatch(
      /not among RUNS_FLEET_REGIONS/,
    );
  });
});
