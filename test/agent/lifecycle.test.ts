import { chmod, mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createWorld, exitOf, spawnAgent, type World } from "./harness.ts";

let world: World | undefined;

const runningBeats = (w: World) => w.queue.of("heartbeat").filter((h) => h.phase === "running");

/** A stand-in for the Actions runner's run.sh whose job succeeds once `release` exists. */
async function gatedRunner(dir: string): Promise<void> {
  await mkdir(join(dir, "_diag", "pages"), { recursive: true });
  const script = [
    "#!/bin/sh",
    'echo "Running job: build"',
    'while [ ! -e "$PWD/release" ]; do sleep 0.05; done',
    'echo "2030-01-01 00:00:05Z: Job build completed with result: Succeeded"',
    "exit 0",
    "",
  ].join("\n");
  await writeFile(join(dir, "run.sh"), script);
  await chmod(join(dir, "run.sh"), 0o755);
}
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe("agent lifecycle (local mode, dry-run runner)", () => {
  it("waits in standby, runs the job, reports it and exits", async () => {
    world = await createWorld();
    const agent = spawnAgent(world.env());
    await world.queue.waitFor("heartbeat", (h) => h.phase === "standby");
    await world.giveConfig({
      kind: "dry-run",
      jobId: "101",
      runnerName: "r-101",
      durationSeconds: 1,
    });
    expect(await exitOf(agent)).toBe(0);

    const q = world.queue;
    const started = await q.waitFor("started");
    expect(started).toMatchObject({
      instanceId: world.instanceId,
      jobId: "101",
      runnerName: "r-101",
      instanceType: "c7g.large",
      region: "us-east-1",
      availabilityZone: "us-east-1a",
    });
    expect(Object.keys(started.bootTimings ?? {})).toEqual(
      expect.arrayContaining(["imdsMs", "agentInitMs", "configWaitMs", "runnerStartMs"]),
    );
    const completed = await q.waitFor("completed");
    expect(completed).toMatchObject({ jobId: "101", status: "success", exitCode: 0 });
    expect(await q.waitFor("cache_stats")).toMatchObject({ jobId: "101", hits: 0, misses: 0 });

    // How many heartbeats fall inside a one-second job depends on how busy the machine is; what
    // they carry does not (the spot test below waits for running heartbeats of a long job).
    const running = q.of("heartbeat").filter((h) => h.phase === "running");
    expect(running.every((h) => h.jobId === "101")).toBe(true);
    // Heartbeats come at their interval (0.2 s here), never faster: a busy machine only delays.
    const times = q.of("heartbeat").map((h) => Date.parse(h.at));
    for (let i = 1; i < times.length; i++) {
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(150);
    }
    expect(new Set(q.events.map((e) => e.id)).size).toBe(q.events.length);
    expect(await readdir(world.configDir)).toEqual([]);
    expect((await readdir(world.spoolDir)).filter((f) => f.endsWith(".json"))).toEqual([]);
  });

  it("reports a spot notice that appears mid-job at once, then stops the runner as interrupted", async () => {
    world = await createWorld();
    const agent = spawnAgent(world.env());
    await world.giveConfig({ kind: "dry-run", jobId: "7", runnerName: "r", durationSeconds: 120 });
    await world.queue.waitFor("started");
    // While the job runs, heartbeats say so and carry the machine's figures.
    const w = world;
    await w.queue.waitFor("heartbeat", (h) => h.phase === "running" && runningBeats(w).length >= 2);
    for (const h of runningBeats(w)) {
      expect(h.jobId).toBe("7");
      expect(h.freeMemoryMiB ?? 0).toBeGreaterThan(0);
      expect(h.freeDiskGiB ?? 0).toBeGreaterThan(0);
      expect(h.uptimeSeconds).toBeGreaterThanOrEqual(0);
    }
    world.imds.setSpotAction("terminate", new Date(Date.now() + 10_000));
    const interrupted = await world.queue.waitFor("interrupted", (e) => e.kind === "spot");
    expect(interrupted).toMatchObject({ jobId: "7", action: "terminate" });
    expect(await exitOf(agent)).toBe(0);
    const completed = await world.queue.waitFor("completed");
    expect(completed).toMatchObject({ jobId: "7", status: "interrupted" });
    // "At once" as an order, not a duration: the notice went out before the runner was stopped.
    const { events } = world.queue;
    expect(events.indexOf(interrupted)).toBeLessThan(events.indexOf(completed));
  });

  it("reports a rebalance recommendation and lets the job finish", async () => {
    world = await createWorld();
    // A job that ends when the test says, not after a duration: the notice is seen mid-job
    // however long the agent takes to poll IMDS on a busy machine.
    const runnerDir = join(world.dir, "runner");
    await gatedRunner(runnerDir);
    const agent = spawnAgent(world.env({ runnerDir }));
    await world.giveConfig({ kind: "jit", jobId: "8", runnerName: "r", encodedJitConfig: "x" });
    await world.queue.waitFor("started");
    world.imds.setRebalance(new Date());
    expect(await world.queue.waitFor("interrupted", (e) => e.kind === "rebalance")).toMatchObject({
      jobId: "8",
    });
    await writeFile(join(runnerDir, "release"), "");
    expect(await exitOf(agent)).toBe(0);
    expect(await world.queue.waitFor("completed")).toMatchObject({
      jobId: "8",
      status: "success",
    });
  });

  it("stops a job at its max runtime", async () => {
    world = await createWorld();
    const agent = spawnAgent(world.env({ maxRuntimeMinutes: 0.01 }));
    await world.giveConfig({ kind: "dry-run", jobId: "9", runnerName: "r", durationSeconds: 120 });
    expect(await exitOf(agent)).toBe(0);
    expect(await world.queue.waitFor("completed")).toMatchObject({ jobId: "9", status: "timeout" });
  });

  it("exits cleanly on SIGTERM in standby, and at the standby deadline", async () => {
    world = await createWorld();
    const stopped = spawnAgent(world.env());
    await world.queue.waitFor("heartbeat");
    stopped.child.kill("SIGTERM");
    expect(await exitOf(stopped)).toBe(0);
    expect(stopped.output()).toContain("stopped while in standby");

    const late = spawnAgent(world.env({ standbyMinutes: 0.005 }));
    expect(await exitOf(late)).toBe(0);
    expect(late.output()).toContain("standby deadline passed");
    expect(world.queue.of("started")).toEqual([]);
  });

  it("goes back to standby after a job when it belongs to a pool", async () => {
    world = await createWorld({ "runs-fleet:pool": "warm" });
    const env = world.env({ shutdownCommand: "true" });
    // No teardown setting: the pool tag makes it `standby`.
    delete env.RUNS_FLEET_TEARDOWN;
    const agent = spawnAgent(env);
    await world.giveConfig({ kind: "dry-run", jobId: "1", runnerName: "r", durationSeconds: 0.2 });
    await world.queue.waitFor("completed", (c) => c.jobId === "1");
    await world.giveConfig({ kind: "dry-run", jobId: "2", runnerName: "r", durationSeconds: 0.2 });
    await world.queue.waitFor("completed", (c) => c.jobId === "2");
    agent.child.kill("SIGTERM");
    expect(await exitOf(agent)).toBe(0);
    expect(world.queue.of("started").map((s) => s.jobId)).toEqual(["1", "2"]);
  });

  it("refuses a bad configuration with every problem listed", async () => {
    world = await createWorld();
    const env = world.env({ heartbeatSeconds: -1 as number });
    delete env.RUNS_FLEET_EVENTS_QUEUE_URL;
    env.RUNS_FLEET_TEARDOWN = "explode";
    const agent = spawnAgent(env);
    expect(await exitOf(agent)).toBe(78);
    expect(agent.output()).toContain("RUNS_FLEET_EVENTS_QUEUE_URL: is required");
    expect(agent.output()).toContain("RUNS_FLEET_TEARDOWN: must be terminate, exit or standby");
  });
});
