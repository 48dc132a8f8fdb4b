import { access, readdir } from "node:fs/promises";
import { join } from "node:path";
import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it } from "vitest";
import { motoAvailable, startMoto, testCredentials } from "../support/moto.ts";
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

describe("teardown", () => {
  it("falls back to the shutdown command when TerminateInstances fails", async () => {
    world = await createWorld();
    const marker = join(world.dir, "shutdown-ran");
    const agent = spawnAgent(
      world.env({
        teardown: "terminate",
        ec2Endpoint: "http://127.0.0.1:9",
        shutdownCommand: `touch ${marker}`,
      }),
    );
    await world.giveConfig({ kind: "dry-run", jobId: "41", runnerName: "r", durationSeconds: 0.1 });
    expect(await exitOf(agent)).toBe(0);
    expect(await exists(marker)).toBe(true);
    expect(agent.output()).toContain("TerminateInstances failed");
  });

  it.skipIf(!motoAvailable)("terminates its own instance through the EC2 API (moto)", async () => {
    const moto = await startMoto();
    try {
      const ec2 = new EC2Client({
        endpoint: moto.endpoint,
        region: "us-east-1",
        credentials: testCredentials,
      });
      const images = await ec2.send(new DescribeImagesCommand({}));
      const run = await ec2.send(
        new RunInstancesCommand({
          ImageId: images.Images?.[0]?.ImageId ?? "ami-12c6146b",
          MinCount: 1,
          MaxCount: 1,
          InstanceType: "c7g.large",
          TagSpecifications: [
            { ResourceType: "instance", Tags: [{ Key: "runs-fleet:managed", Value: "true" }] },
          ],
        }),
      );
      const instanceId = run.Instances?.[0]?.InstanceId ?? "";
      world = await createWorld({ "runs-fleet:managed": "true" }, instanceId);
      const marker = join(world.dir, "shutdown-ran");
      const agent = spawnAgent(
        world.env({
          teardown: "terminate",
          ec2Endpoint: moto.endpoint,
          shutdownCommand: `touch ${marker}`,
        }),
      );
      await world.giveConfig({
        kind: "dry-run",
        jobId: "42",
        runnerName: "r",
        durationSeconds: 0.1,
      });
      expect(await exitOf(agent)).toBe(0);
      const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
      const state = out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
      expect(["shutting-down", "terminated"]).toContain(state);
      expect(await exists(marker)).toBe(false);
    } finally {
      await moto.stop();
    }
  });
});
