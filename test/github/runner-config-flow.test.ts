import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SSMClient } from "@aws-sdk/client-ssm";
import { afterEach, describe, expect, it } from "vitest";
import { createFileRunnerConfigStore as agentFileStore } from "../../src/agent/runner-config/file-store.ts";
import { createSsmRunnerConfigStore as agentSsmStore } from "../../src/agent/runner-config/ssm-store.ts";
import { createSsmRunnerConfigStore } from "../../src/control/adapters/aws/ssm-runner-config-store.ts";
import { createFileRunnerConfigStore } from "../../src/control/adapters/local/file-runner-config-store.ts";
import { motoAvailable, startMoto, testCredentials } from "../support/moto.ts";
import { type Harness, harness } from "./harness.ts";

// From the scheduler's two calls (GitHub, then the store) to the agent's one read.
const job = { jobId: "77", repo: "acme/widgets", labels: ["runs-fleet/cpu=2"], installationId: 7 };
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe("runner config from GitHub to the agent", () => {
  it("local mode: the agent takes the file the control plane wrote", async () => {
    h = await harness();
    h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
    const dir = await mkdtemp(join(tmpdir(), "flow-"));
    try {
      const config = await h.github.createRunnerConfig({ ...job, instanceId: "local-1" });
      await createFileRunnerConfigStore({ dir }).put("local-1", config);

      expect(await agentFileStore(dir).take("local-1")).toEqual({ status: "ready", config });
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!motoAvailable)(
    "AWS: the agent takes a JIT config split over two SSM parameters",
    async () => {
      h = await harness({ jitConfigBytes: 6000 });
      h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
      const moto = await startMoto();
      const client = new SSMClient({
        endpoint: moto.endpoint,
        region: "us-east-1",
        credentials: testCredentials,
      });
      try {
        const config = await h.github.createRunnerConfig({
          ...job,
          instanceId: "i-0123456789abcdef0",
        });
        expect(config.kind === "jit" && config.encodedJitConfig.length).toBeGreaterThan(4096);
        // As deployed: each part tagged for the instance's own session.
        const store = createSsmRunnerConfigStore({ client, runnerRoleId: "AROAEXAMPLERUNNER" });
        await store.put("i-0123456789abcdef0", config);

        const agent = agentSsmStore({ client, prefix: "/runs-fleet" });
        expect(await agent.take("i-0123456789abcdef0")).toEqual({ status: "ready", config });
        expect(await store.get("i-0123456789abcdef0")).toBeNull();
      } finally {
        client.destroy();
        await moto.stop();
      }
    },
  );
});
