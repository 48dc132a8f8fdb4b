import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createWorld, exitOf, spawnAgent, type World } from "./harness.ts";

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/**
 * A stand-in for the Actions runner's run.sh: records its arguments, writes job output pages to
 * `_diag` the way the runner does, prints the runner's result line, and (when told) starts a
 * child that ignores nothing, to check that the whole process group is stopped.
 */
const RUN_SH = `#!/bin/sh
echo "$@" > "$PWD/args"
echo $$ > "$PWD/pid"
mkdir -p _diag/pages
cat > _diag/pages/0001.log <<'LOG'
2030-01-01T00:00:01.0000000Z Cache Size: ~1 MB (1048576 B)
2030-01-01T00:00:02.0000000Z Cache restored from key: Linux-npm-1
2030-01-01T00:00:03.0000000Z Cache not found for input keys: Linux-pip-1
LOG
echo "Running job: build"
if [ "$MODE" = "hang" ]; then
  sleep 300 &
  echo $! > "$PWD/child"
  trap 'echo "got TERM"; kill $!; exit 143' TERM
  wait
fi
echo "2030-01-01 00:00:05Z: Job build completed with result: $RESULT"
exit 0
`;

async function fakeRunner(dir: string, mode: "done" | "hang", result = "Succeeded") {
  await mkdir(dir, { recursive: true });
  const script = RUN_SH.replace('"$MODE"', `"${mode}"`).replace("$RESULT", result);
  await writeFile(join(dir, "run.sh"), script);
  await chmod(join(dir, "run.sh"), 0o755);
}

/** Waits (up to 10 s, a bound for a busy machine) for `pid` to be gone or a zombie. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 500; i++) {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    if (stat === "" || / Z /.test(stat)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

describe.skipIf(process.platform !== "linux")(
  "agent with the Actions runner (stand-in run.sh)",
  () => {
    it("passes the JIT config, takes the job result from the runner, and counts cache lines", async () => {
      world = await createWorld();
      const runnerDir = join(world.dir, "runner");
      await fakeRunner(runnerDir, "done", "Failed");
      const agent = spawnAgent(world.env({ runnerDir }));
      await world.giveConfig({
        kind: "jit",
        jobId: "55",
        runnerName: "r-55",
        encodedJitConfig: "SECRET-JIT",
      });
      expect(await exitOf(agent)).toBe(0);
      expect((await readFile(join(runnerDir, "args"), "utf8")).trim()).toBe(
        "--jitconfig SECRET-JIT",
      );
      // The runner exits 0 whatever the job did; the result line is what counts.
      expect(await world.queue.waitFor("completed")).toMatchObject({
        jobId: "55",
        status: "failure",
        exitCode: 0,
      });
      expect(await world.queue.waitFor("cache_stats")).toMatchObject({
        jobId: "55",
        hits: 1,
        misses: 1,
        bytesDownloaded: 1048576,
        source: "runner-diag-logs",
      });
      // The JIT config is a secret: it never reaches the logs.
      expect(agent.output()).not.toContain("SECRET-JIT");
    });

    it("forwards SIGTERM to the runner, reports the job cancelled and leaves no process behind", async () => {
      world = await createWorld();
      const runnerDir = join(world.dir, "runner");
      await fakeRunner(runnerDir, "hang");
      const agent = spawnAgent(world.env({ runnerDir }));
      await world.giveConfig({
        kind: "jit",
        jobId: "56",
        runnerName: "r-56",
        encodedJitConfig: "x",
      });
      await world.queue.waitFor("started");
      // The runner's child must exist before the stop, or "no process left behind" proves
      // nothing: wait for it (bounded by the test's timeout), however slow the shell is.
      let child = 0;
      while (!child) {
        child = Number(await readFile(join(runnerDir, "child"), "utf8").catch(() => "0"));
        if (!child) await new Promise((r) => setTimeout(r, 20));
      }
      const runner = Number(await readFile(join(runnerDir, "pid"), "utf8"));
      agent.child.kill("SIGTERM");
      expect(await exitOf(agent)).toBe(0);
      expect(await world.queue.waitFor("completed")).toMatchObject({
        jobId: "56",
        status: "cancelled",
      });
      expect(agent.output()).toContain("got TERM");
      expect(await gone(runner)).toBe(true);
      expect(await gone(child)).toBe(true);
    });
  },
);
