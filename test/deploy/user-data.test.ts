import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readTemplate } from "../../deploy/cfn-yaml.ts";
import { AgentEnvSchema } from "../../src/shared/agent-env.ts";
import { evaluate } from "./cfn-eval.ts";

const template = readTemplate();
const ctx = {
  template,
  parameters: {
    ArtifactBucket: "artifacts",
    ArtifactPrefix: "runs-fleet/v1/",
    LinuxAmd64Image: "ami-0123456789abcdef0",
    LinuxArm64Image: "ami-0123456789abcdef1",
    WindowsAmd64Image: "ami-0123456789abcdef2",
  },
};
const userData = (id: string) =>
  String(
    (
      evaluate(ctx, template.Resources[id]?.Properties.LaunchTemplateData) as {
        UserData: string;
      }
    ).UserData,
  );
const linux = userData("LinuxAmd64LaunchTemplate");
const windows = userData("WindowsAmd64LaunchTemplate");

/** Names the agent reads, plus those only the bootstrap reads. */
const agentNames = new Set(Object.keys(AgentEnvSchema.pipe[0].entries));
const bootstrapSh = readFileSync(new URL("../../scripts/bootstrap.sh", import.meta.url), "utf8");
const bootstrapPs1 = readFileSync(new URL("../../scripts/bootstrap.ps1", import.meta.url), "utf8");

const shellcheck = spawnSync("shellcheck", ["--version"], { stdio: "ignore" }).status === 0;

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/**
 * Runs the Linux user data with `aws`, `sleep` and `shutdown` stubbed and its state folder
 * moved into a temporary one; `awsWorks` says whether the stub `aws s3 cp` succeeds.
 */
function runLinux(awsWorks: boolean) {
  const dir = mkdtempSync(join(tmpdir(), "runs-fleet-userdata-"));
  dirs.push(dir);
  const bin = join(dir, "bin");
  const stub = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  spawnSync("mkdir", ["-p", bin]);
  // The "bootstrap" the stub downloads records what it was started with.
  writeFileSync(
    join(dir, "fake-bootstrap.sh"),
    `env | grep -E '^(RUNS_FLEET_|AWS_REGION=)' | sort > "${dir}/bootstrap-env"\n`,
  );
  stub(
    "aws",
    awsWorks
      ? `echo "$@" >> "${dir}/aws-calls"; cp "${dir}/fake-bootstrap.sh" "\${@: -1}"`
      : `echo "$@" >> "${dir}/aws-calls"; exit 1`,
  );
  stub("sleep", "true");
  stub("shutdown", `echo "$@" > "${dir}/shutdown"`);
  const script = linux.replaceAll("/var/lib/runs-fleet", join(dir, "state"));
  const r = spawnSync("bash", ["-c", script], {
    env: { PATH: `${bin}:/usr/bin:/bin` },
    encoding: "utf8",
  });
  const read = (f: string) => {
    try {
      return readFileSync(join(dir, f), "utf8");
    } catch {
      return null;
    }
  };
  return { status: r.status, stderr: r.stderr, read };
}

describe("launch template user data", () => {
  it("is the same script for both Linux architectures", () => {
    expect(userData("LinuxArm64LaunchTemplate")).toBe(linux);
  });

  it("fetches the bootstrap from the artifact folder and runs it with the agent's settings", () => {
    const run = runLinux(true);
    expect(run.status, run.stderr).toBe(0);
    expect(run.read("aws-calls")).toContain(
      "s3 cp --only-show-errors --region us-east-1 s3://artifacts/runs-fleet/v1/bootstrap.sh",
    );
    expect(run.read("bootstrap-env")?.split("\n").filter(Boolean)).toEqual([
      "AWS_REGION=us-east-1",
      "RUNS_FLEET_AGENT_URL=s3://artifacts/runs-fleet/v1/",
      "RUNS_FLEET_EVENTS_QUEUE_URL=https://sqs.us-east-1.amazonaws.com/123456789012/runs-fleet-events",
      "RUNS_FLEET_SSM_PREFIX=/runs-fleet",
    ]);
    expect(run.read("shutdown")).toBeNull();
  });

  it("powers off when the bootstrap cannot be fetched, after retrying", () => {
    const run = runLinux(false);
    expect(run.read("aws-calls")?.trim().split("\n")).toHaveLength(5);
    expect(run.read("shutdown")?.trim()).toBe("-h now");
    expect(run.stderr).toContain("could not fetch the bootstrap");
  });

  it.skipIf(!shellcheck)("passes shellcheck", () => {
    const r = spawnSync("shellcheck", ["-s", "bash", "-"], { input: linux, encoding: "utf8" });
    expect(r.status, r.stdout).toBe(0);
  });

  it("sets only variables the agent or the bootstrap reads, on Linux and on Windows", () => {
    const linuxNames = [...linux.matchAll(/^export (RUNS_FLEET_[A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    const windowsNames = [...windows.matchAll(/^\$env:(RUNS_FLEET_[A-Z0-9_]+) =/gm)].map(
      (m) => m[1]!,
    );
    expect(windowsNames.sort()).toEqual(linuxNames.sort());
    expect(linuxNames).toContain("RUNS_FLEET_EVENTS_QUEUE_URL");
    expect(linuxNames).toContain("RUNS_FLEET_AGENT_URL");
    for (const name of linuxNames) {
      const known =
        agentNames.has(name) || (bootstrapSh.includes(name) && bootstrapPs1.includes(name));
      expect(known, name).toBe(true);
    }
  });

  it("runs the Windows bootstrap from the same folder, shutting down when it cannot", () => {
    expect(windows.startsWith("<powershell>")).toBe(true);
    expect(windows.trimEnd().endsWith("</powershell>")).toBe(true);
    expect(windows).toContain("'s3://artifacts/runs-fleet/v1/bootstrap.ps1'");
    expect(windows).toContain("$env:RUNS_FLEET_AGENT_URL = 's3://artifacts/runs-fleet/v1/'");
    expect(windows).toMatch(/if \(-not \$fetched\) \{[^}]*shutdown \/s \/t 0 \/f/);
  });
});
