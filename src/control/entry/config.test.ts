import { describe, expect, it } from "vitest";
import { ValidationError } from "../domain/errors.ts";
import { parseConfig } from "./config.ts";

describe("parseConfig", () => {
  it("runs local mode with defaults when nothing is set", () => {
    const c = parseConfig({});
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
    expect(parseConfig({ PORT: "", RUNS_FLEET_MODE: "" }).port).toBe(8080);
  });

  it("reads lists and keeps the previous webhook secret for rotation", () => {
    const c = parseConfig({
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

  it("lists every problem at once, naming each variable", () => {
    let error: unknown;
    try {
      parseConfig({
        PORT: "http",
        RUNS_FLEET_WEBHOOK_SECRET: "short",
        AWS_REGION: "mars",
        RUNS_FLEET_ENVIRONMENTS: "Prod",
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues.join("\n");
    expect(issues).toMatch(/PORT/);
    expect(issues).toMatch(/RUNS_FLEET_WEBHOOK_SECRET: must be at least 16 characters/);
    expect(issues).toMatch(/AWS_REGION/);
    expect(issues).toMatch(/RUNS_FLEET_ENVIRONMENTS/);
  });

  it("requires queues and secrets in AWS mode", () => {
    expect(() => parseConfig({ RUNS_FLEET_MODE: "aws" })).toThrow(
      /RUNS_FLEET_JOB_QUEUE_URL.*RUNS_FLEET_EVENTS_QUEUE_URL.*RUNS_FLEET_WEBHOOK_SECRET.*RUNS_FLEET_ADMIN_TOKEN/,
    );
  });

  it("refuses a default region outside the configured regions", () => {
    expect(() => parseConfig({ AWS_REGION: "us-east-1", RUNS_FLEET_REGIONS: "eu-west-1" })).toThrow(
      /not among RUNS_FLEET_REGIONS/,
    );
  });
});
