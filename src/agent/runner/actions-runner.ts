import { spawnSync } from "node:child_process";
import { join, posix, win32 } from "node:path";
import type { Logger } from "../../shared/logger.ts";
import type { RunnerConfig } from "../../shared/runner-config.ts";
import { createDiagScanner } from "./diag-scanner.ts";
import { jobResultFromLine } from "./job-result.ts";
import { spawnGroup } from "./process-group.ts";
import type { JobResult, RunningRunner } from "./types.ts";

/** Where the Actions runner is installed and whom it runs as. */
export interface ActionsRunnerOptions {
  runnerDir: string;
  /** Local user to run the runner as (Linux); the agent itself runs as root. */
  user?: string | undefined;
  platform: string;
  logger: Logger;
  /** The agent's own environment; `RUNS_FLEET_*` and AWS credentials are not passed on. */
  env: Record<string, string | undefined>;
}

function jobEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    if (
      k.startsWith("RUNS_FLEET_") ||
      /^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)$/.test(k)
    )
      continue;
    out[k] = v;
  }
  return out;
}

function userIds(user: string | undefined): { uid?: number; gid?: number } {
  if (!user) return {};
  const id = (flag: string) => {
    const r = spawnSync("id", [flag, user], { encoding: "utf8" });
    const n = Number(r.stdout.trim());
    if (r.status !== 0 || !Number.isInteger(n)) throw new Error(`unknown runner user ${user}`);
    return n;
  };
  return { uid: id("-u"), gid: id("-g") };
}

/**
 * A script of the runner: `run.sh` on Linux, `run.cmd` (through cmd.exe, `/d` so no AutoRun
 * entry of the image runs first) on Windows. Paths are joined the target's way, so the Windows
 * form can be checked on any machine.
 */
export function runnerScript(
  options: Pick<ActionsRunnerOptions, "platform" | "runnerDir">,
  name: "run" | "config",
  args: string[],
) {
  if (options.platform === "win32") {
    return {
      command: "cmd.exe",
      args: ["/d", "/c", win32.join(options.runnerDir, `${name}.cmd`), ...args],
    };
  }
  return { command: posix.join(options.runnerDir, `${name}.sh`), args };
}

/**
 * Starts the GitHub Actions runner for a `jit` or `registration` config, in its own process
 * group. The job's result comes from the runner's `Job … completed with result: …` line; cache
 * figures from its `_diag` logs.
 */
export async function startActionsRunner(
  config: Extract<RunnerConfig, { kind: "jit" | "registration" }>,
  options: ActionsRunnerOptions,
): Promise<RunningRunner> {
  const ids = userIds(options.user);
  const env = jobEnv(options.env);
  const log = options.logger.child({ runner: config.runnerName });
  if (config.kind === "registration") {
    const args = [
      "--unattended",
      "--url",
      config.url,
      "--token",
      config.token,
      "--name",
      config.runnerName,
      "--labels",
      config.labels.join(","),
      "--ephemeral",
      "--disableupdate",
      "--replace",
      ...(config.runnerGroup ? ["--runnergroup", config.runnerGroup] : []),
    ];
    const s = runnerScript(options, "config", args);
    const configure = spawnGroup(s.command, s.args, {
      cwd: options.runnerDir,
      env,
      ...ids,
      onLine: (line) => log.info("config", { line }),
    });
    const done = await configure.exited;
    if (done.code !== 0) throw new Error(`config script failed with exit code ${done.code}`);
  }
  let result: JobResult | undefined;
  const s = runnerScript(
    options,
    "run",
    config.kind === "jit" ? ["--jitconfig", config.encodedJitConfig] : [],
  );
  const running = spawnGroup(s.command, s.args, {
    cwd: options.runnerDir,
    env,
    ...ids,
    onLine: (line, stream) => {
      result = jobResultFromLine(line) ?? result;
      log.info("runner", { stream, line });
    },
  });
  const scanner = createDiagScanner(join(options.runnerDir, "_diag"));
  return {
    ...running,
    exited: running.exited.then((exit) => ({ ...exit, result })),
    cacheStats: () => scanner.scan(),
  };
}
