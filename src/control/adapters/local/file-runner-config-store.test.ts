import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  jitConfig,
  runnerConfigStoreContract,
} from "../../../../test/github/runner-config-store-contract.ts";
import { parseRunnerConfig } from "../../../shared/runner-config.ts";
import { createFileRunnerConfigStore } from "./file-runner-config-store.ts";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "runner-configs-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

runnerConfigStoreContract("file", () => createFileRunnerConfigStore({ dir }));

describe("file runner config store", () => {
  it("writes <dir>/<instanceId>.json, readable only by its owner, that the agent can parse", async () => {
    const sub = join(dir, "layout");
    const store = createFileRunnerConfigStore({ dir: sub });
    const config = jitConfig("9", 6000);
    await store.put("i-0abc", config);

    expect(await readdir(sub)).toEqual(["i-0abc.json"]);
    expect((await stat(join(sub, "i-0abc.json"))).mode & 0o777).toBe(0o600);
    const parsed = parseRunnerConfig(await readFile(join(sub, "i-0abc.json"), "utf8"));
    expect(parsed).toEqual({ ok: true, config });
  });

  it("leaves no temporary files behind after many writes", async () => {
    const sub = join(dir, "many");
    const store = createFileRunnerConfigStore({ dir: sub });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.put("i-same", jitConfig(String(i)))),
    );
    expect(await readdir(sub)).toEqual(["i-same.json"]);
    expect(await store.get("i-same")).toMatchObject({ kind: "jit" });
  });
});
