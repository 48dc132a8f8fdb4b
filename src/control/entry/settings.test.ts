import { describe, expect, it } from "vitest";
import { awsFleetFile, githubAppEnv } from "../../../test/support/aws-mode.ts";
import type { Env } from "./config.ts";
import { loadAwsSettings, loadSettings, type SettingsSource } from "./settings.ts";

const noFiles = (path: string): string => {
  throw new Error(`ENOENT: no such file, open '${path}'`);
};
const files =
  (contents: Record<string, string>) =>
  (path: string): string => {
    const text = contents[path];
    if (text === undefined) return noFiles(path);
    return text;
  };

/** Everything AWS mode needs from the environment except the GitHub App. */
const awsEnv: Env = {
  RUNS_FLEET_MODE: "aws",
  RUNS_FLEET_JOB_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/1/jobs",
  RUNS_FLEET_EVENTS_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/1/events",
  RUNS_FLEET_WEBHOOK_SECRET: "w".repeat(20),
  RUNS_FLEET_ADMIN_TOKEN: "t".repeat(20),
  RUNS_FLEET_CONFIG_FILE: "/etc/runs-fleet.yaml",
};
const withFleetFile = files({ "/etc/runs-fleet.yaml": awsFleetFile });

/** The problems of a refused source; an accepted one fails the test. */
function problemsOf(source: SettingsSource): string[] {
  const result = loadSettings(source);
  if (result.ok) throw new Error(`accepted a source it should refuse (mode ${result.value.mode})`);
  return result.problems;
}

describe("loadSettings", () => {
  it("gives local mode complete settings with nothing set: stand-in placement, dry-run GitHub", () => {
    const result = loadSettings({ env: { PATH: "/bin", HOME: "/home/me" }, readTextFile: noFiles });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({
      mode: "local",
      aliases: [],
      github: null,
      agentEnv: { PATH: "/bin", HOME: "/home/me" },
      placement: { region: "us-east-1", subnets: { default: [{ subnetId: "local-default" }] } },
    });
  });

  it("lists a bad variable and a missing GitHub App in AWS mode together", () => {
    const problems = problemsOf({
      env: { ...awsEnv, PORT: "99999999" },
      readTextFile: withFleetFile,
    });
    expect(problems).toEqual([
      expect.stringMatching(/^PORT: /),
      "RUNS_FLEET_GITHUB_APP_ID: a GitHub App is required in AWS mode",
    ]);
  });

  it("lists bad variables, a bad config file, an invalid App key and a missing placement at once", () => {
    const problems = problemsOf({
      env: {
        ...awsEnv,
        PORT: "http",
        RUNS_FLEET_JOB_QUEUE_URL: "",
        RUNS_FLEET_GITHUB_APP_ID: "12345",
        RUNS_FLEET_GITHUB_PRIVATE_KEY: "not a key",
      },
      readTextFile: files({
        "/etc/runs-fleet.yaml": "aliases:\n  - regex: '('\n    spec: cpu=2\n",
      }),
    }).join("\n");
    expect(problems).toMatch(/^PORT: must be a port number$/m);
    expect(problems).toMatch(/^RUNS_FLEET_JOB_QUEUE_URL: required when RUNS_FLEET_MODE=aws$/m);
    expect(problems).toMatch(/^config file: aliases: /m);
    expect(problems).toMatch(/privateKey/);
    expect(problems).not.toMatch(/placement/);
  });

  it("asks AWS mode for its queues, admin token, placement and App in one list", () => {
    const problems = problemsOf({ env: { RUNS_FLEET_MODE: "aws" }, readTextFile: noFiles });
    expect(problems.map((p) => p.split(":")[0])).toEqual([
      "RUNS_FLEET_JOB_QUEUE_URL",
      "RUNS_FLEET_EVENTS_QUEUE_URL",
      "RUNS_FLEET_WEBHOOK_SECRET",
      "RUNS_FLEET_ADMIN_TOKEN",
      "RUNS_FLEET_CONFIG_FILE",
      "RUNS_FLEET_GITHUB_APP_ID",
    ]);
  });

  it("reports a config file it cannot read as a problem instead of throwing", () => {
    const problems = problemsOf({ env: awsEnv, readTextFile: noFiles });
    expect(problems[0]).toMatch(
      /^config file: cannot read \/etc\/runs-fleet.yaml \(RUNS_FLEET_CONFIG_FILE\): ENOENT/,
    );
  });

  it("gives AWS mode its placement, aliases and App from the file and the environment", () => {
    const result = loadSettings({
      env: { ...awsEnv, ...githubAppEnv() },
      readTextFile: withFleetFile,
    });
    if (!result.ok) throw new Error(result.problems.join("; "));
    const settings = result.value;
    expect(settings.mode).toBe("aws");
    expect(settings.placement.subnets.default).toHaveLength(2);
    expect(settings.aliases).toHaveLength(1);
    expect(settings.github?.apps.map((a) => a.appId)).toEqual(["12345"]);
  });

  it("asks for templates and subnets of every region RUNS_FLEET_REGIONS lists", () => {
    const problems = problemsOf({
      env: { ...awsEnv, ...githubAppEnv(), RUNS_FLEET_REGIONS: "us-east-1,eu-west-1" },
      readTextFile: withFleetFile,
    });
    expect(problems).toEqual([
      "RUNS_FLEET_REGIONS: eu-west-1 has no launch templates and subnets in the config file (placement.regions.eu-west-1)",
    ]);
  });

  it("prefers the config file's text when the caller already holds it", () => {
    const result = loadSettings({
      env: { ...awsEnv, ...githubAppEnv() },
      readTextFile: noFiles,
      fleetFileText: awsFleetFile,
    });
    expect(result.ok).toBe(true);
  });
});

describe("loadAwsSettings", () => {
  it("runs AWS mode by default and lists what it is missing", () => {
    const result = loadAwsSettings({ env: {}, readTextFile: noFiles });
    expect(result.ok ? [] : result.problems).toContain(
      "RUNS_FLEET_GITHUB_APP_ID: a GitHub App is required in AWS mode",
    );
  });

  it("refuses local mode, alongside any other problem", () => {
    const result = loadAwsSettings({
      env: { RUNS_FLEET_MODE: "local", PORT: "x" },
      readTextFile: noFiles,
    });
    expect(result.ok ? [] : result.problems).toEqual([
      expect.stringMatching(/^PORT: /),
      "RUNS_FLEET_MODE: this runtime runs AWS mode only",
    ]);
  });

  it("accepts a complete AWS environment", () => {
    const result = loadAwsSettings({
      env: { ...awsEnv, RUNS_FLEET_MODE: "", ...githubAppEnv() },
      readTextFile: withFleetFile,
    });
    expect(result.ok && result.value.config.jobQueueUrl).toBe(awsEnv.RUNS_FLEET_JOB_QUEUE_URL);
  });
});
