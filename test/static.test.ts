import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VERSION } from "../src/shared/version.ts";
import { bin, root } from "./support/processes.ts";

function run(command: string, args: string[]) {
  const r = spawnSync(command, args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe("the code as a whole", () => {
  it("type-checks under TypeScript's strict settings", () => {
    const r = run(bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]);
    expect(r.out.trim()).toBe("");
    expect(r.code).toBe(0);
  }, 180_000);

  it("type-checks the Deno entry point with deno check", () => {
    const r = run(bin("deno"), ["check", "--config", "deno.json", "src/control/entry/deno.ts"]);
    expect(r.code, r.out).toBe(0);
  }, 180_000);

  it("passes biome's lint and format checks", () => {
    const r = run(bin("biome"), ["check", "."]);
    expect(r.code, r.out).toBe(0);
  }, 120_000);

  it("keeps the control plane free of Node-only APIs outside entry/ and adapters/local/", () => {
    const r = run("grep", [
      "-rlE",
      "from ['\"]node:|\\bprocess\\.(env|exit|argv)|\\bBuffer\\.",
      "src/control",
      "--include=*.ts",
    ]);
    const offenders = r.out
      .split("\n")
      .filter((f) => f.trim() && !/\/entry\/|\/adapters\/local\/|\.test\.ts$/.test(f));
    expect(offenders).toEqual([]);
  });

  it("carries one version in package.json and the code", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});
