import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../shared/logger.ts";
import { startDryRun } from "./dry-run.ts";
import { spawnGroup } from "./process-group.ts";
import { supervise } from "./supervise.ts";

const base = {
  maxRuntimeMs: 60_000,
  graceMs: 2000,
  interrupted: () => false,
  logger: silentLogger,
};
const never = new AbortController().signal;

/**
 * True while `pid` runs; a zombie (killed, not yet reaped by init) counts as gone. Waits for it
 * to go for up to 10 s: a bound for a busy machine, not a figure the test checks.
 */
async function alive(pid: number): Promise<boolean> {
  for (let i = 0; i < 500; i++) {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    if (stat === "" || / Z /.test(stat)) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

describe.skipIf(process.platform !== "linux")("supervise a process group", () => {
  it("reports the exit code of a runner that ends on its own", async () => {
    const ok = spawnGroup("sh", ["-c", "exit 0"], {});
    expect(await supervise(ok, { ...base, stop: never })).toEqual({
      status: "success",
      exitCode: 0,
    });
    const bad = spawnGroup("sh", ["-c", "exit 3"], {});
    expect(await supervise(bad, { ...base, stop: never })).toEqual({
      status: "failure",
      exitCode: 3,
    });
  });

  it("stops a runner at its max runtime and kills the whole group", async () => {
    let started: (pid: number) => void = () => {};
    const child = new Promise<number>((resolve) => {
      started = resolve;
    });
    const runner = spawnGroup("sh", ["-c", "sleep 30 & echo $!; wait"], {
      onLine: (line) => started(Number(line)),
    });
    // Supervision starts once the group has its child: however slow the machine is to start a
    // shell, the max runtime cannot end the group before there is a child to leave behind.
    const childPid = await child;
    const r = await supervise(runner, { ...base, maxRuntimeMs: 300, stop: never });
    expect(r.status).toBe("timeout");
    expect(childPid).toBeGreaterThan(0);
    expect(await alive(childPid)).toBe(false);
  });

  it("forwards a stop, then kills a runner that ignores SIGTERM after the grace period", async () => {
    const ac = new AbortController();
    const stubborn = spawnGroup("sh", ["-c", "trap '' TERM; echo ready; sleep 30 & wait"], {
      onLine: () => ac.abort("interrupted"),
    });
    const r = await supervise(stubborn, { ...base, graceMs: 200, stop: ac.signal });
    expect(r.status).toBe("interrupted");
  });

  it("calls a failure during an interruption `interrupted`", async () => {
    const dying = spawnGroup("sh", ["-c", "exit 143"], {});
    const r = await supervise(dying, { ...base, interrupted: () => true, stop: never });
    expect(r.status).toBe("interrupted");
  });
});

describe("dry-run runner", () => {
  it("completes with its configured outcome", async () => {
    const job = startDryRun({
      kind: "dry-run",
      jobId: "1",
      runnerName: "r",
      durationSeconds: 0.05,
      outcome: "failure",
    });
    expect(await supervise(job, { ...base, stop: never })).toEqual({
      status: "failure",
      exitCode: 1,
    });
  });

  it("is cancelled by a stop", async () => {
    const ac = new AbortController();
    const job = startDryRun({
      kind: "dry-run",
      jobId: "1",
      runnerName: "r",
      durationSeconds: 60,
      outcome: "success",
    });
    setTimeout(() => ac.abort("cancelled"), 20);
    expect((await supervise(job, { ...base, stop: ac.signal })).status).toBe("cancelled");
  });
});
