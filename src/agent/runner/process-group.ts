import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import type { RunnerExit, RunningRunner } from "./types.ts";

/** Options of `spawnGroup`. */
export interface GroupOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  uid?: number;
  gid?: number;
  /** Each line the process writes to stdout or stderr. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
}

function lines(child: ChildProcess, onLine: GroupOptions["onLine"]) {
  for (const stream of ["stdout", "stderr"] as const) {
    let rest = "";
    child[stream]?.setEncoding("utf8");
    child[stream]?.on("data", (chunk: string) => {
      const parts = (rest + chunk).split(/\r?\n/);
      rest = parts.pop() ?? "";
      for (const p of parts) onLine?.(p, stream);
    });
    child[stream]?.on("end", () => {
      if (rest) onLine?.(rest, stream);
    });
  }
}

/**
 * Starts a command as the leader of a new process group (a new session on POSIX), so that
 * stopping it reaches every process the job started, not only the runner itself.
 */
export function spawnGroup(command: string, args: string[], options: GroupOptions): RunningRunner {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: process.platform !== "win32",
    stdio: ["ignore", "pipe", "pipe"],
    windowsHide: true,
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
  });
  lines(child, options.onLine);
  const exited = new Promise<RunnerExit>((resolve) => {
    child.once("error", () => resolve({ code: null, signal: null }));
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    const pid = child.pid;
    if (pid === undefined) return;
    if (process.platform === "win32") {
      // Windows has no process groups to signal: taskkill /T walks the process tree.
      spawnSync("taskkill", ["/PID", String(pid), "/T", "/F"], { stdio: "ignore" });
      return;
    }
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  return {
    exited,
    terminate: () => signalGroup("SIGTERM"),
    kill: () => signalGroup("SIGKILL"),
  };
}
