import { GetParametersByPathCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSsmRunnerConfigStore } from "../../src/agent/runner-config/ssm-store.ts";
import { runnerConfigParameterNames, splitRunnerConfig } from "../../src/shared/runner-config.ts";
import { type Moto, motoAvailable, startMoto, testCredentials } from "../support/moto.ts";

describe.skipIf(!motoAvailable)("SSM runner config store (moto)", () => {
  let moto: Moto;
  let client: SSMClient;
  beforeAll(async () => {
    moto = await startMoto();
    client = new SSMClient({
      endpoint: moto.endpoint,
      region: "us-east-1",
      credentials: testCredentials,
    });
  });
  afterAll(async () => {
    await moto?.stop();
  });

  const put = (name: string, value: string) =>
    client.send(new PutParameterCommand({ Name: name, Value: value, Type: "SecureString" }));

  it("waits for `config`, joins a split value, then deletes both parameters", async () => {
    const store = createSsmRunnerConfigStore({ client, prefix: "/rf-test" });
    const names = runnerConfigParameterNames("i-big", "/rf-test");
    const doc = {
      kind: "jit",
      jobId: "1",
      runnerName: "runner-1",
      encodedJitConfig: "x".repeat(6000),
    };
    const parts = splitRunnerConfig(JSON.stringify(doc));
    expect(parts).toHaveLength(2);
    expect(await store.take("i-big")).toEqual({ status: "pending" });
    await put(names.second, parts[1] ?? "");
    // Only `config-2` so far: incomplete.
    expect(await store.take("i-big")).toEqual({ status: "pending" });
    await put(names.first, parts[0]);
    expect(await store.take("i-big")).toEqual({ status: "ready", config: doc });
    const left = await client.send(new GetParametersByPathCommand({ Path: names.dir }));
    expect(left.Parameters ?? []).toEqual([]);
  });

  it("reports a document that is not a runner config", async () => {
    const store = createSsmRunnerConfigStore({ client, prefix: "/rf-test" });
    await put(runnerConfigParameterNames("i-bad", "/rf-test").first, "{}");
    expect((await store.take("i-bad")).status).toBe("invalid");
  });
});
