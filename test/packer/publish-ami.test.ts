/**
 * packer/scripts/publish-ami.sh: the last build's AMI ids go to the SSM parameter in each of
 * their regions, with `aws` replaced by a stub that records its arguments.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const SCRIPT = join(process.cwd(), "packer/scripts/publish-ami.sh");
const hasJq = spawnSync("sh", ["-c", "command -v jq"]).status === 0;
const jqSkip = "jq is not installed (apt-get install -y jq): skipping publish-ami.sh";
if (!hasJq) console.warn(jqSkip);

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** Runs the script on a manifest; returns its exit, output and each `aws` call's arguments. */
function publish(manifest: unknown, parameter: string) {
  const dir = mkdtempSync(join(tmpdir(), "publish-ami-"));
  dirs.push(dir);
  const calls = join(dir, "calls");
  writeFileSync(calls, "");
  const stub = join(dir, "aws");
  writeFileSync(stub, `#!/bin/bash\necho "$*" >>'${calls}'\necho 7\n`);
  chmodSync(stub, 0o755);
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
  const r = spawnSync("bash", [SCRIPT, join(dir, "manifest.json"), parameter], {
    encoding: "utf8",
    env: { ...process.env, RUNS_FLEET_AWS_CLI: stub },
  });
  const lines = readFileSync(calls, "utf8").split("\n").filter(Boolean);
  return { status: r.status, output: r.stdout + r.stderr, calls: lines };
}

const build = (run: string, artifact: string) => ({
  name: "linux",
  builder_type: "amazon-ebs",
  artifact_id: artifact,
  packer_run_uuid: run,
});

describe.skipIf(!hasJq)("publish-ami.sh", () => {
  it("writes only the last run's AMI, in every region it was copied to", () => {
    const r = publish(
      {
        builds: [
          build("run-1", "us-east-1:ami-0aaaaaaaaaaaaaaa1"),
          build("run-2", "us-east-1:ami-0bbbbbbbbbbbbbbb2,eu-west-1:ami-0ccccccccccccccc3"),
        ],
        last_run_uuid: "run-2",
      },
      "/runs-fleet/ami/linux-arm64",
    );
    expect(r.status, r.output).toBe(0);
    expect(r.calls).toEqual([
      "ssm put-parameter --region us-east-1 --name /runs-fleet/ami/linux-arm64 --value ami-0bbbbbbbbbbbbbbb2 --type String --data-type aws:ec2:image --overwrite --query Version --output text",
      "ssm put-parameter --region eu-west-1 --name /runs-fleet/ami/linux-arm64 --value ami-0ccccccccccccccc3 --type String --data-type aws:ec2:image --overwrite --query Version --output text",
    ]);
    expect(r.output).toContain("stack image parameter: /runs-fleet/ami/linux-arm64:7");
  });

  it("refuses a parameter name that is not an SSM path, and writes nothing", () => {
    const r = publish(
      { builds: [build("r", "us-east-1:ami-0aaaaaaaaaaaaaaa1")], last_run_uuid: "r" },
      "runs-fleet ami",
    );
    expect(r.status).toBe(64);
    expect(r.output).toContain("not an SSM parameter name");
    expect(r.calls).toEqual([]);
  });

  it("fails, writing nothing, when the last run left no artifact or an unexpected one", () => {
    const none = publish(
      { builds: [build("old", "us-east-1:ami-0aaaaaaaaaaaaaaa1")], last_run_uuid: "new" },
      "/runs-fleet/ami/linux-amd64",
    );
    expect(none.status).toBe(1);
    expect(none.output).toContain("no artifact for its last run");
    expect(none.calls).toEqual([]);
    const odd = publish(
      {
        builds: [build("r", "us-east-1:ami-0aaaaaaaaaaaaaaa1,eu-west-1:not-an-ami")],
        last_run_uuid: "r",
      },
      "/runs-fleet/ami/linux-amd64",
    );
    expect(odd.status).toBe(1);
    expect(odd.output).toContain("unexpected artifact entry");
    expect(odd.calls).toEqual([]);
  });
});
