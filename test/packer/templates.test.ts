/**
 * The Packer templates under packer/: formatted, valid for every image (Linux amd64 and arm64,
 * Windows), their shell scripts clean under shellcheck, and the runner pinned with its
 * published SHA-256 and checked before anything is unpacked.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(process.cwd(), "packer");
const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const read = (path: string) => readFileSync(join(root, path), "utf8");

const packerSkip =
  "packer is not installed (bash packer/install-packer.sh builds it from the Go module proxy): skipping packer fmt and validate";
if (!has("packer")) console.warn(packerSkip);
const shellcheckSkip =
  "shellcheck is not installed (apt-get install -y shellcheck): skipping the lint of packer/ scripts";
if (!has("shellcheck")) console.warn(shellcheckSkip);

/** Every image the templates build, as `packer validate` arguments. */
const images = [
  { name: "linux-amd64", dir: "linux", vars: ["-var", "arch=amd64"] },
  { name: "linux-arm64", dir: "linux", vars: ["-var", "arch=arm64"] },
  { name: "windows-amd64", dir: "windows", vars: [] },
] as const;

// Validation needs no AWS account; dummy credentials keep the plugin from looking for any.
const packerEnv = {
  ...process.env,
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  AWS_REGION: "us-east-1",
  CHECKPOINT_DISABLE: "1",
  PACKER_NO_COLOR: "1",
};
const packer = (args: string[]) =>
  spawnSync("packer", args, { cwd: root, encoding: "utf8", env: packerEnv });

describe.skipIf(!has("packer"))("packer", () => {
  it("finds every template formatted (packer fmt -check)", () => {
    const r = packer(["fmt", "-check", "-recursive", "."]);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it.each(images)("validates the $name image", ({ dir, vars }) => {
    const r = packer(["validate", ...vars, dir]);
    expect(r.stdout + r.stderr).toContain("The configuration is valid.");
    expect(r.status).toBe(0);
  });

  it("refuses an architecture other than amd64 and arm64", () => {
    const r = packer(["validate", "-var", "arch=x86", "linux"]);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("The arch must be amd64 or arm64.");
  });

  it("refuses a runner checksum that is not a SHA-256", () => {
    const r = packer(["validate", "-var", 'runner_sha256={"amd64":"abc","arm64":"def"}', "linux"]);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("64 lower-case hex digits");
  });
});

/** Shell scripts under packer/, relative to it. */
function shellScripts(dir = ""): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) return shellScripts(path);
    return e.name.endsWith(".sh") ? [path] : [];
  });
}

describe("packer/ shell scripts", () => {
  const scripts = shellScripts();

  it("include the Linux provisioning, the AMI publisher and the Packer installer", () => {
    expect(scripts).toEqual(
      expect.arrayContaining([
        "linux/scripts/packages.sh",
        "linux/scripts/runner.sh",
        "linux/scripts/boot-time.sh",
        "linux/scripts/cleanup.sh",
        "scripts/publish-ami.sh",
        "install-packer.sh",
      ]),
    );
  });

  it.skipIf(!has("shellcheck")).each(scripts)("%s passes shellcheck", (script) => {
    const r = spawnSync("shellcheck", [join(root, script)], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

/** A variable's `default = "…"` in an HCL variables file. */
function stringDefault(hcl: string, name: string): string | undefined {
  const block = hcl.match(new RegExp(`variable "${name}" \\{([\\s\\S]*?)\\n\\}`))?.[1];
  return block?.match(/default\s*=\s*"([^"]*)"/)?.[1];
}

describe("the pinned runner", () => {
  const linux = read("linux/variables.pkr.hcl");
  const windows = read("windows/variables.pkr.hcl");
  const hex64 = /^[0-9a-f]{64}$/;

  it("is one version for every image, with a published SHA-256 per archive", () => {
    const version = stringDefault(linux, "runner_version");
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(stringDefault(windows, "runner_version")).toBe(version);
    const perArch = linux.match(/variable "runner_sha256" \{[\s\S]*?default = \{([\s\S]*?)\}/)?.[1];
    const sums = Object.fromEntries(
      [...(perArch ?? "").matchAll(/(\w+)\s*=\s*"([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    expect(Object.keys(sums).sort()).toEqual(["amd64", "arm64"]);
    for (const sum of Object.values(sums)) expect(sum).toMatch(hex64);
    expect(sums.amd64).not.toBe(sums.arm64);
    expect(stringDefault(windows, "runner_sha256")).toMatch(hex64);
    expect(stringDefault(windows, "winsw_sha256")).toMatch(hex64);
  });

  it("is checked against that SHA-256 before it is unpacked (Linux)", () => {
    const script = read("linux/scripts/runner.sh");
    const check = script.indexOf("sha256sum --check --strict");
    expect(check).toBeGreaterThan(script.indexOf("curl "));
    expect(check).toBeLessThan(script.indexOf("tar -xzf"));
    expect(check).toBeLessThan(script.indexOf("useradd"));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an HCL interpolation
    expect(read("linux/runner.pkr.hcl")).toContain("RUNNER_SHA256=${local.runner_sha256}");
  });

  it("is checked against that SHA-256 before it is unpacked (Windows), and so is WinSW", () => {
    const script = read("windows/scripts/runner.ps1");
    expect(script).toMatch(/Get-FileHash -Algorithm SHA256/);
    expect(script).toMatch(/if \(\$actual -ne \$Sha256\) \{ throw/);
    expect(script.indexOf("Get-Verified $url $zip")).toBeLessThan(
      script.indexOf("ExtractToDirectory"),
    );
    expect(script).toContain("Get-Verified $winswUrl");
    const template = read("windows/runner.pkr.hcl");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an HCL interpolation
    expect(template).toContain("RUNNER_SHA256=${var.runner_sha256}");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an HCL interpolation
    expect(template).toContain("WINSW_SHA256=${var.winsw_sha256}");
  });
});
