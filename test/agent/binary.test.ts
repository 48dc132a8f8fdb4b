import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorld, exitOf, spawnAgent, type World } from "./harness.ts";

const binary = join(process.cwd(), "dist/agent/runs-fleet-agent-linux-x64");
const version: string = JSON.parse(readFileSync("package.json", "utf8")).version;

describe.skipIf(process.platform !== "linux" || process.arch !== "x64")(
  "compiled linux-x64 agent",
  () => {
    let world: World | undefined;
    beforeAll(() => {
      if (!existsSync(binary)) {
        execFileSync("npx", ["tsx", "scripts/build-agent.ts", "--targets", "linux-x64"], {
          stdio: "inherit",
        });
      }
    }, 300_000);
    afterAll(async () => {
      await world?.close();
    });

    it("prints its version", () => {
      expect(execFileSync(binary, ["--version"], { encoding: "utf8" }).trim()).toBe(version);
    });

    it("runs the whole lifecycle against the fake IMDS and fauxqs", async () => {
      world = await createWorld();
      const agent = spawnAgent({}, binary, ["--env-file", join(world.dir, "agent.env")]);
      // The env file path is explicit: a missing file is a configuration error.
      expect(await exitOf(agent)).toBe(78);

      const env = world.env();
      await writeFile(
        join(world.dir, "agent.env"),
        Object.entries(env)
          .map(([k, v]) => `${k}=${v}`)
          .join("\n"),
      );
      const real = spawnAgent({}, binary, ["--env-file", join(world.dir, "agent.env")]);
      await world.queue.waitFor("heartbeat", (h) => h.phase === "standby");
      await world.giveConfig({
        kind: "dry-run",
        jobId: "900",
        runnerName: "bin",
        durationSeconds: 0.5,
      });
      expect(await exitOf(real)).toBe(0);
      expect(await world.queue.waitFor("started")).toMatchObject({
        jobId: "900",
        agentVersion: version,
      });
      expect(await world.queue.waitFor("completed")).toMatchObject({
        jobId: "900",
        status: "success",
      });
    });
  },
);
