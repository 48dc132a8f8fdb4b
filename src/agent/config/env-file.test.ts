import { describe, expect, it } from "vitest";
import { parseEnvFile } from "./env-file.ts";

describe("parseEnvFile", () => {
  it("reads assignments, quotes and comments", () => {
    const text = [
      "# written by bootstrap",
      "RUNS_FLEET_EVENTS_QUEUE_URL=https://sqs.eu-west-1.amazonaws.com/1/events",
      'export AWS_REGION="eu-west-1"',
      "RUNS_FLEET_SHUTDOWN_COMMAND='shutdown -h now'",
      'QUOTED="a \\"b\\" c"',
      "EMPTY=",
      "",
      "not an assignment",
    ].join("\r\n");
    const { vars, badLines } = parseEnvFile(text);
    expect(vars).toEqual({
      RUNS_FLEET_EVENTS_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/1/events",
      AWS_REGION: "eu-west-1",
      RUNS_FLEET_SHUTDOWN_COMMAND: "shutdown -h now",
      QUOTED: 'a "b" c',
      EMPTY: "",
    });
    expect(badLines).toEqual([8]);
  });
});
