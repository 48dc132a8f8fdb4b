import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "./run.ts";

const bin = fileURLToPath(new URL("../../bin/runs-fleet.js", import.meta.url));

/**
 * Runs the real launcher in a child process, as a user would; EC2 is unreachable, so spot prices
 * are said unavailable and nothing depends on the machine's AWS setup.
 */
function cli(...args: string[]) {
  const env = {
    ...process.env,
    RUNS_FLEET_EC2_ENDPOINT: "http://127.0.0.1:1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
  };
  const child = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

const specKeys = [
  "cpu",
  "ramGiB",
  "arch",
  "os",
  "families",
  "gen",
  "diskGiB",
  "pool",
  "spot",
  "region",
  "env",
  "retry",
  "priority",
  "debugMinutes",
];

describe("runs-fleet explain (spawned)", () => {
  it("prints the spec and candidates as JSON and exits 0", () => {
    const { status, stdout } = cli("explain", "runs-fleet/cpu=4/arch=arm64", "--json");
    expect(status).toBe(0);
    const body = JSON.parse(stdout);
    // The first three fields are the original contract; spot prices were added after them.
    expect(Object.keys(body)).toEqual(["ok", "spec", "candidates", "spotPrices"]);
    expect(Object.keys(body.spec)).toEqual(specKeys);
    expect(body.spec).toEqual({
      cpu: { min: 4, max: 8 },
      ramGiB: null,
      arch: "arm64",
      os: "linux",
      families: null,
      gen: null,
      diskGiB: null,
      pool: null,
      spot: true,
      region: null,
      env: "default",
      retry: "when-interrupted",
      priority: "normal",
      debugMinutes: null,
    });
    expect(body.candidates[0]).toEqual({
      instanceType: "c8g.xlarge",
      vcpu: 4,
      memoryGiB: 8,
      arch: "arm64",
      onDemandUsdPerHour: 0.15952,
      spotUsdPerHour: null,
      spotAz: null,
    });
    expect(body.spotPrices.status).toBe("unavailable");
  });

  it("keeps an unset arch null in the spec and shows the chosen arch on the candidates", () => {
    const { status, stdout } = cli("explain", "self-hosted", "runs-fleet", "--json");
    expect(status).toBe(0);
    const body = JSON.parse(stdout);
    expect(body.spec.arch).toBeNull();
    expect(new Set(body.candidates.map((c: { arch: string }) => c.arch))).toEqual(
      new Set(["arm64"]),
    );
  });

  it("prints the errors as JSON and exits 2 for a rejected label", () => {
    const { status, stdout } = cli("explain", "runs-fleet/cpus=4", "--json");
    expect(status).toBe(2);
    expect(JSON.parse(stdout)).toEqual({
      ok: false,
      errors: [{ key: "cpus", message: 'unknown key "cpus" — did you mean "cpu"?' }],
    });
  });

  it("prints a readable table without --json", () => {
    const { status, stdout } = cli("explain", "runs-fleet/cpu=4/arch=arm64");
    expect(status).toBe(0);
    expect(stdout).toMatch(/^ {2}cpu {7}4–8 vCPU$/m);
    expect(stdout).toMatch(/INSTANCE TYPE\s+VCPU\s+MEMORY GiB\s+ON-DEMAND USD\/H/);
    expect(stdout).toMatch(/^ {2}c8g\.xlarge\s+4\s+8\s+0\.15952$/m);
  });

  it("prices in the region given with --region", () => {
    const { stdout } = cli(
      "explain",
      "runs-fleet/family=c7g/cpu=4+4",
      "--region",
      "eu-west-1",
      "--json",
    );
    expect(JSON.parse(stdout).candidates[0].onDemandUsdPerHour).toBe(0.16376);
  });

  it("prints usage on stdout and exits 0 for --help, -h and help", () => {
    for (const args of [["--help"], ["-h"], ["help"]]) {
      const help = cli(...args);
      expect(help.status, args.join(" ")).toBe(0);
      expect(help.stdout).toMatch(/^usage: runs-fleet <command>/);
      expect(help.stdout).toMatch(/^ {2}explain <label>\.\.\./m);
      expect(help.stderr).toBe("");
    }
  });

  it("prints explain's usage and exits 0 for explain --help, explain -h and help explain", () => {
    for (const args of [
      ["explain", "--help"],
      ["explain", "-h"],
      ["help", "explain"],
      ["explain", "runs-fleet/cpu=4", "--help"],
    ]) {
      const help = cli(...args);
      expect(help.status, args.join(" ")).toBe(0);
      expect(help.stdout).toMatch(
        /^usage: runs-fleet explain <label>\.\.\. \[--json\] \[--region R\]/,
      );
      expect(help.stdout).toMatch(/^ {2}--region R/m);
      expect(help.stderr).toBe("");
    }
  });

  it("gives usage on stderr and exits 2 for an unknown command, with or without --help", () => {
    for (const args of [["frobnicate"], ["frobnicate", "--help"], ["help", "frobnicate"]]) {
      const unknown = cli(...args);
      expect(unknown.status, args.join(" ")).toBe(2);
      expect(unknown.stdout).toBe("");
      expect(unknown.stderr).toMatch(/"frobnicate"/);
      expect(unknown.stderr).toMatch(/usage: runs-fleet <command>/);
    }
  });
});

describe("runCli", () => {
  it("says a label without the marker is not ours", () => {
    const result = runCli(["explain", "self-hosted", "linux"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^not ours\n {2}no label carries the runs-fleet marker/);
  });

  it("lists every error of a rejected label on stderr", () => {
    const result = runCli(["explain", "runs-fleet/cpus=4/os=windows/arch=arm64"]);
    expect(result).toEqual({
      exitCode: 2,
      stdout: "",
      stderr: [
        "rejected: runs-fleet/cpus=4/os=windows/arch=arm64",
        '  cpus: unknown key "cpus" — did you mean "cpu"?',
        "  arch: os=windows runs on amd64 only; arch=arm64 is not allowed",
        "",
      ].join("\n"),
    });
  });

  it("rejects a region that is not configured", () => {
    const result = runCli(["explain", "runs-fleet", "--region", "eu-central-1", "--json"]);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout).errors[0].key).toBe("region");
  });

  it("rejects a spec no instance type satisfies", () => {
    const result = runCli(["explain", "runs-fleet/family=t3/cpu=16", "--json"]);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      errors: [
        { key: "cpu", message: "no amd64 instance type in family=t3 has 16 vCPU (largest: 8)" },
      ],
    });
  });

  it("gives usage for a missing command, a missing label and an unknown option", () => {
    for (const argv of [[], ["explain"], ["explain", "runs-fleet", "--bogus"]]) {
      const result = runCli(argv);
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/usage: runs-fleet/);
    }
    // A wrong explain line gets explain's own usage.
    expect(runCli(["explain"]).stderr).toMatch(/usage: runs-fleet explain <label>/);
  });

  it("shows defaults in the table", () => {
    const { stdout } = runCli(["explain", "runs-fleet/os=windows"]);
    expect(stdout).toMatch(/^ {2}disk {6}default \(80 GiB\)$/m);
    expect(stdout).toMatch(/^ {2}arch {6}amd64 \(chosen; the label sets none\)$/m);
    expect(stdout).toMatch(/^ {2}region {4}us-east-1 \(default\)$/m);
  });
});
