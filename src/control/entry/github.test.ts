import { describe, expect, it } from "vitest";
import { silentLogger } from "../../shared/logger.ts";
import type { RunnerConfig } from "../../shared/runner-config.ts";
import { fixedClock } from "../adapters/clock.ts";
import { noopMetrics } from "../adapters/memory/metrics.ts";
import { createMemoryRunnerConfigStore } from "../adapters/memory/runner-config-store.ts";
import { buildGitHub } from "./github.ts";

describe("buildGitHub without an App (local mode)", () => {
  it("is a dry run that reports a job queued while its config still waits for the agent", async () => {
    const runnerConfigs = createMemoryRunnerConfigStore();
    const { github, dryRun } = buildGitHub(null, {
      dryRunJobSeconds: 60,
      clock: fixedClock(0),
      logger: silentLogger,
      metrics: noopMetrics,
      runnerConfigs,
    });
    expect(dryRun).toBe(true);
    const ref = { repo: "acme/widgets", jobId: "7" };
    const config: RunnerConfig = await github.createRunnerConfig({
      ...ref,
      labels: ["runs-fleet"],
      instanceId: "local-7",
    });
    await runnerConfigs.put("local-7", config);
    // The agent has not taken its config: the job has not started anywhere.
    expect(await github.jobStatus(ref)).toBe("queued");
    await runnerConfigs.delete("local-7");
    expect(await github.jobStatus(ref)).toBe("in_progress");
  });
});
