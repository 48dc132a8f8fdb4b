import { parseArgs } from "node:util";
import type { CommandResult } from "./explain.ts";
import {
  adminApiFrom,
  type JobInstance,
  LookupError,
  lookupJobInstance,
} from "./instance-lookup.ts";

/** What `ssh` and `session` need from outside: the environment, the network, a process runner. */
export interface AccessDeps {
  env: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
  /** The instance's address for SSH (public IP, else private IP), or null when it has none. */
  resolveHost(instanceId: string, region: string): Promise<string | null>;
  /** Runs a command with the terminal attached; returns its exit code. */
  exec(argv: readonly string[]): number;
}

/** Local-mode instances are processes on this machine, not EC2 instances. */
const isEc2Id = (id: string) => /^i-[0-9a-f]{8,17}$/.test(id);

/** One argument as a POSIX shell reads it back unchanged. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The `aws ssm start-session` command for an instance. */
export function sessionArgv(instance: Pick<JobInstance, "instanceId" | "region">): string[] {
  return [
    "aws",
    "ssm",
    "start-session",
    "--target",
    instance.instanceId,
    "--region",
    instance.region,
  ];
}

/** The `ssh` command for an instance at `host`. */
export function sshArgv(o: { host: string; user: string; key?: string | undefined }): string[] {
  return ["ssh", ...(o.key ? ["-i", o.key] : []), `${o.user}@${o.host}`];
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: "string" },
      token: { type: "string" },
      user: { type: "string" },
      key: { type: "string", short: "i" },
      host: { type: "string" },
      exec: { type: "boolean" },
    },
  });
}

const fail = (message: string, exitCode: 1 | 2 = 1): CommandResult => ({
  exitCode,
  stdout: "",
  stderr: `runs-fleet: ${message}\n`,
});

/**
 * `runs-fleet ssh|session <job-id>`: finds the job's instance through the admin API and prints
 * the command that opens a shell on it, or runs it with `--exec`.
 */
export async function accessCommand(
  kind: "ssh" | "session",
  argv: readonly string[],
  deps: AccessDeps,
): Promise<CommandResult> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err), 2);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return fail(`${kind} needs exactly one job id`, 2);
  const api = adminApiFrom(values, deps.env, deps.fetch);
  if (typeof api === "string") return fail(api, 2);
  try {
    const instance = await lookupJobInstance(api, positionals[0] ?? "");
    if (!isEc2Id(instance.instanceId)) {
      return fail(
        `instance ${instance.instanceId} is a local-mode process, not an EC2 instance: there is nothing to log in to (its output is in <data dir>/instances/${instance.instanceId}.log)`,
      );
    }
    let command: string[];
    if (kind === "session") command = sessionArgv(instance);
    else {
      const host = values.host ?? (await deps.resolveHost(instance.instanceId, instance.region));
      if (!host)
        return fail(
          `instance ${instance.instanceId} has no IP address yet; try again, or use "runs-fleet session"`,
        );
      const user = values.user ?? (instance.os === "windows" ? "Administrator" : "ec2-user");
      command = sshArgv({ host, user, key: values.key });
    }
    const line = `${command.map(shellQuote).join(" ")}\n`;
    if (!values.exec) return { exitCode: 0, stdout: line, stderr: "" };
    return { exitCode: deps.exec(command), stdout: "", stderr: "" };
  } catch (err) {
    if (err instanceof LookupError) return fail(err.message, err.exitCode);
    throw err;
  }
}
