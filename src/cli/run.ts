import { parseArgs } from "node:util";
import { type AccessDeps, accessCommand } from "./debug-access.ts";
import { type CommandResult, explainCommand } from "./explain.ts";

/** The CLI's overview: shown for help, and after a missing or unknown command. */
export const usage = `usage: runs-fleet <command> [options]

commands:
  explain <label>...   show the spec a runs-on label asks for and the instance types it resolves to
  ssh <job-id>         print (or run) the ssh command for the job's instance
  session <job-id>     print (or run) the aws ssm start-session command for the job's instance
  help [command]       show this help, or a command's

options:
  -h, --help           show help (after a command: that command's)

exit status: 0 for help and for an accepted label, 2 when a label is rejected or the command
line is wrong
`;

const accessOptions = `The job's instance is looked up through the admin API: RUNS_FLEET_URL and
RUNS_FLEET_ADMIN_TOKEN, or --url and --token. Keep an instance after its job with the label key
debug=<minutes> (1–120).

options:
  --url URL            the control plane (default: RUNS_FLEET_URL)
  --token TOKEN        the admin token (default: RUNS_FLEET_ADMIN_TOKEN)
  --exec               run the command instead of printing it
  -h, --help           show this help

exit status: 0 when the command is printed (or, with --exec, what it exits with), 1 when the
job has no instance or it is gone, 2 when the command line or the token is wrong
`;

/** `runs-fleet ssh`'s help. */
export const sshUsage = `usage: runs-fleet ssh <job-id> [--user U] [-i KEY] [--host H] [--exec]

Prints the ssh command for the instance that runs (or ran) a job. The address is asked of EC2
with your own AWS credentials (public IP, else private IP) unless --host gives it. The
stack's KeyName and SshAllowedCidr parameters must allow it.

  --user U             login name (default ec2-user; Administrator on Windows)
  -i, --key KEY        the private key file of the stack's KeyName
  --host H             the address to use instead of asking EC2
${accessOptions}`;

/** `runs-fleet session`'s help. */
export const sessionUsage = `usage: runs-fleet session <job-id> [--exec]

Prints the aws ssm start-session command for the instance that runs (or ran) a job. Needs the
stack's EnableSessionManager parameter and the AWS CLI's Session Manager plugin.

${accessOptions}`;

/** `runs-fleet explain`'s own help: shown for `explain --help` and after a wrong explain line. */
export const explainUsage = `usage: runs-fleet explain <label>... [--json] [--region R]

Shows the spec a runs-on label asks for, with every default spelled out, and the instance types
it resolves to, cheapest first. Labels without the runs-fleet marker are ignored, as GitHub's
other labels are.

options:
  --json               print JSON: {"ok":true,"spec":…,"candidates":[…]} or {"ok":false,"errors":[…]}
  --region R           the region used when the label sets none (default us-east-1)
  -h, --help           show this help

exit status: 0 when the label is accepted (or for help), 2 when it is rejected or the command
line is wrong
`;

const helpOf = { explain: explainUsage, ssh: sshUsage, session: sessionUsage } as const;
type Command = keyof typeof helpOf;
const isCommand = (name: string): name is Command => Object.hasOwn(helpOf, name);

/** Help asked for: printed on stdout, and a success. */
const help = (text: string): CommandResult => ({ exitCode: 0, stdout: text, stderr: "" });

function usageError(message: string, text = usage): CommandResult {
  return { exitCode: 2, stdout: "", stderr: `runs-fleet: ${message}\n\n${text}` };
}

/** Runs the CLI on `argv` (without node and script) and returns what to print and the exit code. */
export function runCli(argv: readonly string[]): CommandResult {
  const [first] = argv;
  const scoped = first !== undefined && isCommand(first) ? helpOf[first] : usage;
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    return usageError(err instanceof Error ? err.message : String(err), scoped);
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (command === "help") {
    const [topic, ...extra] = args;
    if (topic === undefined) return help(usage);
    if (!isCommand(topic) || extra.length > 0) return usageError(`no help for "${args.join(" ")}"`);
    return help(helpOf[topic]);
  }
  if (command === undefined) return values.help ? help(usage) : usageError("no command given");
  // An unknown command stays an error with --help: there is no help for it to show.
  if (!isCommand(command)) return usageError(`unknown command "${command}"`);
  if (values.help) return help(helpOf[command]);
  if (command !== "explain")
    return usageError(`${command} needs the network: run it through runCommand`);
  if (args.length === 0)
    return usageError("explain needs a label, e.g. runs-fleet/cpu=4", explainUsage);
  return explainCommand(args, { json: values.json ?? false, region: values.region });
}

/**
 * Runs any command: `ssh` and `session` (which ask the admin API) asynchronously, the rest
 * through `runCli`.
 */
export async function runCommand(
  argv: readonly string[],
  deps: AccessDeps,
): Promise<CommandResult> {
  const [command, ...rest] = argv;
  const wantsHelp = rest.includes("--help") || rest.includes("-h");
  if ((command === "ssh" || command === "session") && !wantsHelp)
    return await accessCommand(command, rest, deps);
  return runCli(argv);
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
