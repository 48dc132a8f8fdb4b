import { describe, expect, it } from "vitest";
import { defaultShutdownCommand } from "../teardown.ts";
import { runnerScript } from "./actions-runner.ts";

describe("runnerScript", () => {
  it("on Windows runs run.cmd through cmd.exe, its path joined with backslashes", () => {
    expect(
      runnerScript({ platform: "win32", runnerDir: "C:\\actions-runner" }, "run", [
        "--jitconfig",
        "abc",
      ]),
    ).toEqual({
      command: "cmd.exe",
      args: ["/d", "/c", "C:\\actions-runner\\run.cmd", "--jitconfig", "abc"],
    });
    expect(
      runnerScript({ platform: "win32", runnerDir: "D:\\runner\\" }, "config", ["--unattended"]),
    ).toEqual({ command: "cmd.exe", args: ["/d", "/c", "D:\\runner\\config.cmd", "--unattended"] });
  });

  it("on Linux runs run.sh itself", () => {
    expect(
      runnerScript({ platform: "linux", runnerDir: "/opt/actions-runner" }, "run", []),
    ).toEqual({ command: "/opt/actions-runner/run.sh", args: [] });
  });
});

describe("defaultShutdownCommand", () => {
  it("is shutdown /s on Windows and shutdown -h on Linux", () => {
    expect(defaultShutdownCommand("win32")).toBe("shutdown /s /t 0 /f");
    expect(defaultShutdownCommand("linux")).toBe("shutdown -h now");
  });
});
