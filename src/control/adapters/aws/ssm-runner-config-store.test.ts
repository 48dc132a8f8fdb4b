import { GetParametersByPathCommand, type Parameter, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  jitConfig,
  runnerConfigStoreContract,
} from "../../../../test/github/runner-config-store-contract.ts";
import {
  type Moto,
  motoAvailable,
  startMoto,
  testCredentials,
} from "../../../../test/support/moto.ts";
import { parseRunnerConfig, runnerConfigParameterNames } from "../../../shared/runner-config.ts";
import { createSsmRunnerConfigStore } from "./ssm-runner-config-store.ts";

let moto: Moto | undefined;
let client: SSMClient;

describe.skipIf(!motoAvailable)("SSM runner config store (moto)", () => {
  beforeAll(async () => {
    moto = await startMoto();
    client = new SSMClient({
      endpoint: moto.endpoint,
      region: "us-east-1",
      credentials: testCredentials,
    });
  });
  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  runnerConfigStoreContract("ssm", () => createSsmRunnerConfigStore({ client }));

  /** Reads the way the agent does: the whole directory, decrypted, parts joined in order. */
  async function readAsAgent(instanceId: string, prefix = "/runs-fleet") {
    const names = runnerConfigParameterNames(instanceId, prefix);
    const out = await client.send(
      new GetParametersByPathCommand({ Path: names.dir, WithDecryption: true }),
    );
    const params: Parameter[] = out.Parameters ?? [];
    const value = (n: string) => params.find((p) => p.Name === n)?.Value;
    return { params, text: (value(names.first) ?? "") + (value(names.second) ?? "") };
  }

  it("stores a small config as one SecureString at <prefix>/runners/<id>/config", async () => {
    const store = createSsmRunnerConfigStore({ client, prefix: "/fleet-a" });
    const config = jitConfig("1", 1500);
    await store.put("i-small", config);
    const { params, text } = await readAsAgent("i-small", "/fleet-a");
    expect(params.map((p) => [p.Name, p.Type])).toEqual([
      ["/fleet-a/runners/i-small/config", "SecureString"],
    ]);
    expect(parseRunnerConfig(text)).toEqual({ ok: true, config });
  });

  it("splits a config over 4 KB into config and config-2, each within the Standard tier", async () => {
    const store = createSsmRunnerConfigStore({ client });
    const config = jitConfig("2", 7000);
    await store.put("i-large", config);
    const { params, text } = await readAsAgent("i-large");
    expect(params.map((p) => p.Name).sort()).toEqual([
      "/runs-fleet/runners/i-large/config",
      "/runs-fleet/runners/i-large/config-2",
    ]);
    for (const p of params) {
      expect(p.Type).toBe("SecureString");
      expect(new TextEncoder().encode(p.Value).length).toBeLessThanOrEqual(4096);
    }
    expect(parseRunnerConfig(text)).toEqual({ ok: true, config });
  });

  it("leaves no stale second part when a long config is replaced by a short one", async () => {
    const store = createSsmRunnerConfigStore({ client });
    await store.put("i-shrink", jitConfig("3", 7000));
    await store.put("i-shrink", jitConfig("4", 500));
    const { params, text } = await readAsAgent("i-shrink");
    expect(params).toHaveLength(1);
    expect(parseRunnerConfig(text)).toMatchObject({ ok: true, config: { jobId: "4" } });
  });

  it("turns SSM failures into retryable or final errors", async () => {
    const broken = new SSMClient({
      endpoint: "http://127.0.0.1:9",
      region: "us-east-1",
      credentials: testCredentials,
      maxAttempts: 1,
    });
    const store = createSsmRunnerConfigStore({ client: broken });
    await expect(store.get("i-x")).rejects.toMatchObject({ retryable: true });
    broken.destroy();
  });
});
