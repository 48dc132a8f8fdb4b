import { parseArgs } from "node:util";
import { type CommandResult, explainCommand } from "./explain.ts";

/** Shown for --help, a missing or unknown command, and bad options. */
export const usage = `usage: runs-fleet <command> [options]

commands:
  explain <label>...   show the spec a runs-on label asks for and the instance types it resolves to

options for explain:
  --json               print JSON: {"ok":true,"spec":…,"candidates":[…]} or {"ok":false,"errors":[…]}
  --region R           the region used when the label sets none (default us-east-1)
  -h, --help           show this help

exit status: 0 when the label is accepted, 2 when it is rejected or the command line is wrong
`;

function usageError(message: string): CommandResult {
  return { exitCode: 2, stdout: "", stderr: `runs-fleet: ${message}\n\n${usage}` };
}

/** Runs the CLI on `argv` (without node and script) and returns what to print and the exit code. */
export function runCli(argv: readonly string[]): CommandResult {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    return usageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) return { exitCode: 2, stdout: usage, stderr: "" };
  const [command, ...args] = positionals;
  if (command === undefined) return usageError("no command given");
  if (command !== "explain") return usageError(`unknown command "${command}"`);
  if (args.length === 0) return usageError("explain needs a label, e.g. runs-fleet/cpu=4");
  return explainCommand(args, { json: values.json ?? false, region: values.region });
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: "boolean" },
      region: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}
