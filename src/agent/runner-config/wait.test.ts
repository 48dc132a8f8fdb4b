import { mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../shared/logger.ts";
import { createFileRunnerConfigStore } from "./file-store.ts";
import { waitForRunnerConfig } from "./wait.ts";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), "configs-"));
  dirs.push(dir);
  return dir;
}

const base = { instanceId: "i-1", pollMs: 5, pollMaxMs: 20, logger: silentLogger };

describe("waitForRunnerConfig with the file store", () => {
  it("waits until the config file appears, then reads and deletes it", async () => {
    const dir = await tempDir();
    const waiting = waitForRunnerConfig({
      ...base,
      store: createFileRunnerConfigStore(dir),
      deadline: Date.now() + 10_000,
      signal: new AbortController().signal,
    });
    await new Promise((r) => setTimeout(r, 30));
    const doc = { kind: "dry-run", jobId: "5", runnerName: "r", durationSeconds: 1 };
    await writeFile(join(dir, "tmp"), JSON.stringify(doc));
    await rename(join(dir, "tmp"), join(dir, "i-1.json"));
    const r = await waiting;
    expect(r.kind).toBe("config");
    if (r.kind === "config") expect(r.config).toEqual({ ...doc, outcome: "success" });
    expect(await readdir(dir)).toEqual([]);
  });

  it("reports an invalid document", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "i-1.json"), JSON.stringify({ kind: "jit" }));
    const r = await waitForRunnerConfig({
      ...base,
      store: createFileRunnerConfigStore(dir),
      deadline: Date.now() + 10_000,
      signal: new AbortController().signal,
    });
    expect(r.kind).toBe("invalid");
  });

  it("gives up at the deadline, or when aborted", async () => {
    const dir = await tempDir();
    const store = createFileRunnerConfigStore(dir);
    const late = await waitForRunnerConfig({
      ...base,
      store,
      deadline: Date.now() + 30,
      signal: new AbortController().signal,
    });
    expect(late.kind).toBe("deadline");
    const ac = new AbortController();
    const waiting = waitForRunnerConfig({
      ...base,
      store,
      deadline: Date.now() + 60_000,
      signal: ac.signal,
    });
    ac.abort();
    expect((await waiting).kind).toBe("aborted");
  });
});
