import { access, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createWorld, exitOf, spawnAgent, type World } from "./harness.ts";

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("events survive a queue outage", () => {
  it("spools events while the queue is down and delivers them all when it is back", async () => {
    world = await createWorld();
    const agent = spawnAgent(world.env({ flushTimeoutSeconds: 60 }));
    await world.queue.waitFor("heartbeat");
    const url = world.queue.url;
    await world.queue.stop();

    await world.giveConfig({ kind: "dry-run", jobId: "31", runnerName: "r", durationSeconds: 0.6 });
    await until(() => agent.output().includes('"msg":"job completed"'), "the job to complete");
    expect(
      (await readdir(world.spoolDir)).filter((f) => f.endsWith(".json")).length,
    ).toBeGreaterThan(3);

    await world.queue.start();
    expect(world.queue.url).toBe(url);
    expect(await exitOf(agent)).toBe(0);
    const q = world.queue;
    expect(await q.waitFor("started")).toMatchObject({ jobId: "31" });
    expect(await q.waitFor("cache_stats")).toMatchObject({ jobId: "31" });
    expect(await q.waitFor("completed")).toMatchObject({ jobId: "31", status: "success" });
    expect(q.of("heartbeat").filter((h) => h.phase === "running").length).toBeGreaterThan(0);
    expect((await readdir(world.spoolDir)).filter((f) => f.endsWith(".json"))).toEqual([]);
  });
});

/** Send failures the agent logged after deciding to end: it is still trying to deliver. */
function retriesAfterEnding(output: string): number {
  const after = output.split('"msg":"agent ending"')[1] ?? "";
  return after.split('"msg":"sending events failed; they stay spooled"').length - 1;
}

describe("an undelivered completed event holds the instance", () => {
  const spooled = async (dir: string) =>
    (await readdir(dir).catch(() => [])).filter((f) => f.endsWith(".json"));

  it("keeps the instance while the queue is down and ends it once the event is delivered", async () => {
    world = await createWorld();
    const marker = join(world.dir, "shutdown-ran");
    const agent = spawnAgent(
      world.env({
        teardown: "terminate",
        shutdownCommand: `touch ${marker}`,
        flushTimeoutSeconds: 0,
      }),
    );
    let exited = false;
    void agent.exited.then(() => {
      exited = true;
    });
    await world.queue.waitFor("heartbeat");
    await world.queue.stop();
    await world.giveConfig({ kind: "dry-run", jobId: "51", runnerName: "r", durationSeconds: 0.2 });
    // Either the agent ends (with its completed event still spooled), or it keeps retrying.
    await until(
      () => exited || retriesAfterEnding(agent.output()) >= 3,
      "the agent to end or to keep retrying",
    );
    expect(exited).toBe(false);
    expect(await exists(marker)).toBe(false);
    expect(agent.output()).toContain("keeping the instance");

    await world.queue.start();
    expect(await exitOf(agent)).toBe(0);
    expect(await world.queue.waitFor("completed")).toMatchObject({ jobId: "51" });
    expect(await exists(marker)).toBe(true);
    expect(await spooled(world.spoolDir)).toEqual([]);
  });

  it("gives up at the delivery maximum, and the next start on the same disk sends the event", async () => {
    world = await createWorld();
    const env = world.env({ flushTimeoutSeconds: 0, deliveryMaxMinutes: 0.005 });
    const first = spawnAgent(env);
    await world.queue.waitFor("heartbeat");
    await world.queue.stop();
    await world.giveConfig({ kind: "dry-run", jobId: "52", runnerName: "r", durationSeconds: 0.2 });
    expect(await exitOf(first)).toBe(0);
    expect(first.output()).toContain('"mustDeliver":true');
    expect((await spooled(world.spoolDir)).length).toBeGreaterThan(0);

    await world.queue.start();
    const next = spawnAgent({ ...env, RUNS_FLEET_STANDBY_MINUTES: "0.001" });
    expect(await world.queue.waitFor("completed")).toMatchObject({ jobId: "52" });
    expect(await exitOf(next)).toBe(0);
    expect(await spooled(world.spoolDir)).toEqual([]);
  });

  it("keeps the instance no longer than a pending spot notice allows", async () => {
    world = await createWorld();
    const agent = spawnAgent(world.env({ flushTimeoutSeconds: 0, graceSeconds: 0.2 }));
    await world.giveConfig({ kind: "dry-run", jobId: "53", runnerName: "r", durationSeconds: 120 });
    await world.queue.waitFor("started");
    await world.queue.stop();
    world.imds.setSpotAction("terminate", new Date(Date.now() + 1_000));
    expect(await exitOf(agent)).toBe(0);
    expect(agent.output()).toContain('"mustDeliver":true');
  });
});

describe("teardown", () => {
  it("ends its instance with the shutdown command and never calls the EC2 API", async () => {
    world = await createWorld();
    const marker = join(world.dir, "shutdown-ran");
    const agent = spawnAgent(
      world.env({ teardown: "terminate", shutdownCommand: `touch ${marker}` }),
    );
    await world.giveConfig({ kind: "dry-run", jobId: "41", runnerName: "r", durationSeconds: 0.1 });
    expect(await exitOf(agent)).toBe(0);
    expect(await exists(marker)).toBe(true);
    expect(agent.output()).toContain("shutdown command ran");
    expect(agent.output()).not.toContain("TerminateInstances");
  });
});
