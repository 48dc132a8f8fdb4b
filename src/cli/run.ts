import { parseArgs } from "node:util";
import { type AccessDeps, accessCommand } from "./debug-access.ts";
import { type CommandResult, explainCommand } from "./explain.ts";
import { explainPricedCommand } from "./explain-priced.ts";
import type { CliPriceSource } from "./price-source.ts";
import { reportCommand } from "./report-cost.ts";
import { simulateCommand, simulateUsage } from "./simulate.ts";
import { explainUsage, reportUsage, sessionUsage, sshUsage, usage } from "./usage.ts";

export { explainUsage, reportUsage, sessionUsage, sshUsage, usage };

/** Everything the CLI's commands need from outside. */
export interface CliDeps extends AccessDeps {
  /** EC2 spot prices with the caller's credentials, opened on first use; absent: never asked. */
  priceSource?: () => Promise<CliPriceSource>;
  /** How long `explain` waits for spot prices (default 5 s). */
  priceTimeoutMs?: number;
}

const helpOf = {
  explain: explainUsage,
  ssh: sshUsage,
  session: sessionUsage,
  report: reportUsage,
  simulate: simulateUsage,
} as const;
type Command = keyof typeof helpOf;
const isCommand = (name: string): name is Command => Object.hasOwn(helpOf, name);

/** Help asked for: printed on stdout, and a success. */
const help = (text: string): CommandResult => ({ exitCode: 0, stdout: text, stderr: "" });

function usageError(message: string, text = usage): CommandResult {
  return { exitCode: 2, stdout: "", stderr: `runs-fleet: ${message}\n\n${text}` };
}

/** An explain line read and checked: what to explain, and how. */
interface ExplainLine {
  labels: string[];
  json: boolean;
  region: string | undefined;
  offline: boolean;
  /** How long to wait for EC2's spot prices (`--price-timeout`, seconds), when given. */
  priceTimeoutMs: number | undefined;
}

/** Reads a command line: the answer for help and mistakes, or the explain line to run. */
function readLine(argv: readonly string[]): CommandResult | ExplainLine {
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
  let priceTimeoutMs: number | undefined;
  if (values["price-timeout"] !== undefined) {
    const seconds = Number(values["price-timeout"]);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 300)
      return usageError("--price-timeout takes seconds, more than 0 and at most 300", explainUsage);
    priceTimeoutMs = Math.round(seconds * 1000);
  }
  return {
    labels: args,
    json: values.json ?? false,
    region: values.region,
    offline: values.offline ?? false,
    priceTimeoutMs,
  };
}

const isAnswer = (x: CommandResult | ExplainLine): x is CommandResult => "exitCode" in x;

/**
 * Runs the CLI on `argv` (without node and script) and returns what to print and the exit code;
 * `explain` here asks nothing of EC2 (list prices only).
 */
export function runCli(argv: readonly string[]): CommandResult {
  const line = readLine(argv);
  return isAnswer(line) ? line : explainCommand(line.labels, line);
}

/**
 * Runs any command: `ssh`, `session` and `report` ask the admin API; `explain` asks EC2 for spot
 * prices unless `--offline` or no price source is given.
 */
export async function runCommand(argv: readonly string[], deps: CliDeps): Promise<CommandResult> {
  const [command, ...rest] = argv;
  const wantsHelp = rest.includes("--help") || rest.includes("-h");
  // A command's help needs none of its other options to be right.
  if (wantsHelp && command !== undefined && isCommand(command)) return help(helpOf[command]);
  if (command === "ssh" || command === "session") return await accessCommand(command, rest, deps);
  if (command === "report") return await reportCommand(rest, deps);
  if (command === "simulate") return await simulateCommand(rest);
  const line = readLine(argv);
  if (isAnswer(line)) return line;
  if (line.offline || deps.priceSource === undefined) return explainCommand(line.labels, line);
  const source = await deps.priceSource();
  try {
    const timeoutMs = line.priceTimeoutMs ?? deps.priceTimeoutMs;
    return await explainPricedCommand(line.labels, line, source.spotPrices, timeoutMs);
  } finally {
    // The SDK's sockets would otherwise keep the process alive after printing.
    source.close();
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: "boolean" },
      region: { type: "string" },
      offline: { type: "boolean" },
      "price-timeout": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}
