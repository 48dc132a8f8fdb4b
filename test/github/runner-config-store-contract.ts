import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/control/domain/errors.ts";
import type { RunnerConfigStore } from "../../src/control/ports/runner-config-store.ts";
import type { RunnerConfig } from "../../src/shared/runner-config.ts";

/** A JIT config of roughly `bytes` characters (real ones are a few KB of base64). */
export function jitConfig(jobId: string, bytes = 2000): RunnerConfig {
  const chunk = "eyJ0ZXN0IjoidmFsdWUifQ";
  return {
    kind: "jit",
    jobId,
    runnerName: `runs-fleet-${jobId}-i-test`,
    encodedJitConfig: chunk.repeat(Math.ceil(bytes / chunk.length)).slice(0, bytes),
  };
}

/** What every RunnerConfigStore does, run against each adapter. */
export function runnerConfigStoreContract(name: string, make: () => RunnerConfigStore) {
  describe(`${name}: runner config store contract`, () => {
    it("answers null for an instance without a config", async () => {
      expect(await make().get("i-none")).toBeNull();
    });

    it.each<RunnerConfig>([
      jitConfig("1"),
      {
        kind: "registration",
        jobId: "2",
        runnerName: "runs-fleet-2-i-x",
        url: "https://github.com/acme",
        token: "AABBCC",
        labels: ["runs-fleet/cpu=2"],
        runnerGroup: "ci",
      },
      {
        kind: "dry-run",
        jobId: "3",
        runnerName: "runs-fleet-3-i-x",
        durationSeconds: 5,
        outcome: "failure",
      },
    ])("gives back what was put ($kind)", async (config) => {
      const store = make();
      await store.put(`i-${config.jobId}-rt`, config);
      expect(await store.get(`i-${config.jobId}-rt`)).toEqual(config);
    });

    it("keeps a config over 4 KB whole", async () => {
      const store = make();
      const big = jitConfig("4", 7000);
      await store.put("i-big", big);
      expect(await store.get("i-big")).toEqual(big);
    });

    it("replaces a config, a long one by a short one included", async () => {
      const store = make();
      await store.put("i-replace", jitConfig("5", 7000));
      const short = jitConfig("6", 100);
      await store.put("i-replace", short);
      expect(await store.get("i-replace")).toEqual(short);
    });

    it("deletes, and deleting again is fine", async () => {
      const store = make();
      await store.put("i-del", jitConfig("7", 7000));
      await store.delete("i-del");
      expect(await store.get("i-del")).toBeNull();
      await store.delete("i-del");
    });

    it("refuses instance ids that would escape their place", async () => {
      const store = make();
      for (const bad of ["../x", "a/b", "", ".hidden"]) {
        await expect(store.put(bad, jitConfig("8"))).rejects.toBeInstanceOf(ValidationError);
      }
    });
  });
}
