import { describe, expect, it } from "vitest";
import { parseArgs } from "./cli.ts";

describe("parseArgs", () => {
  it("understands the agent's arguments", () => {
    expect(parseArgs([])).toEqual({ kind: "run" });
    expect(parseArgs(["--env-file", "/x/agent.env"])).toEqual({
      kind: "run",
      envFile: "/x/agent.env",
    });
    expect(parseArgs(["--env-file=/y"])).toEqual({ kind: "run", envFile: "/y" });
    expect(parseArgs(["--version"])).toEqual({ kind: "version" });
    expect(parseArgs(["--help"])).toEqual({ kind: "help" });
    expect(parseArgs(["--env-file"]).kind).toBe("error");
    expect(parseArgs(["--bogus"])).toEqual({ kind: "error", message: "unknown argument --bogus" });
  });
});
