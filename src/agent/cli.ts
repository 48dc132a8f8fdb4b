/** What the command line asks for. */
export type Command =
  | { kind: "run"; envFile?: string }
  | { kind: "version" }
  | { kind: "help" }
  | { kind: "error"; message: string };

/** Usage text for `--help`. */
export const USAGE = `Usage: runs-fleet-agent [--env-file <path>]
       runs-fleet-agent --version | --help

Runs on a runs-fleet instance: waits for its runner config, runs the GitHub Actions runner,
reports events to the events queue and tears the instance down. Settings come from RUNS_FLEET_*
variables in the environment, the env file and runs-fleet:* instance tags.`;

/** Parses the agent's arguments. */
export function parseArgs(argv: readonly string[]): Command {
  let envFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--version" || arg === "-v") return { kind: "version" };
    if (arg === "--help" || arg === "-h") return { kind: "help" };
    if (arg === "--env-file") {
      const next = argv[++i];
      if (next === undefined) return { kind: "error", message: "--env-file needs a path" };
      envFile = next;
    } else if (arg.startsWith("--env-file=")) {
      envFile = arg.slice("--env-file=".length);
    } else {
      return { kind: "error", message: `unknown argument ${arg}` };
    }
  }
  return envFile === undefined ? { kind: "run" } : { kind: "run", envFile };
}
