import {
  GetParametersByPathCommand,
  PutParameterCommand,
  SSMClient,
  SSMServiceException,
} from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSsmRunnerConfigStore } from "../../src/agent/runner-config/ssm-store.ts";
import { type RunnerConfig, runnerConfigParameterNames } from "../../src/shared/runner-config.ts";
import { encodeRunnerConfigParts } from "../../src/shared/runner-config-parts.ts";
import { type Moto, motoAvailable, startMoto, testCredentials } from "../support/moto.ts";

/** Every SSM request the agent makes, by operation, so the test can see it never lists. */
function recordOperations(client: SSMClient): string[] {
  const seen: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      seen.push(String(context.commandName));
      return next(args);
    },
    { step: "initialize" },
  );
  return seen;
}

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
    client?.destroy();
    await moto?.stop();
  });

  const put = (name: string, value: string) =>
    client.send(new PutParameterCommand({ Name: name, Value: value, Type: "SecureString" }));
  const left = async (dir: string) =>
    (await client.send(new GetParametersByPathCommand({ Path: dir }))).Parameters ?? [];
  const doc = (bytes: number): RunnerConfig => ({
    kind: "jit",
    jobId: "1",
    runnerName: "runner-1",
    encodedJitConfig: "x".repeat(bytes),
  });

  it("waits for `config`, reads the parts it counts by name, then deletes them", async () => {
    const agentClient = new SSMClient({
      endpoint: moto.endpoint,
      region: "us-east-1",
      credentials: testCredentials,
    });
    const operations = recordOperations(agentClient);
    const store = createSsmRunnerConfigStore({ client: agentClient, prefix: "/rf-test" });
    const names = runnerConfigParameterNames("i-big", "/rf-test");
    const parts = encodeRunnerConfigParts(JSON.stringify(doc(6000)));
    expect(parts).toHaveLength(2);
    expect(await store.take("i-big")).toEqual({ status: "pending" });
    await put(names.second, parts[1] ?? "");
    // Only `config-2` so far: incomplete.
    expect(await store.take("i-big")).toEqual({ status: "pending" });
    await put(names.first, parts[0]);
    expect(await store.take("i-big")).toEqual({ status: "ready", config: doc(6000) });
    expect(await left(names.dir)).toEqual([]);
    expect(new Set(operations)).toEqual(
      new Set(["GetParameterCommand", "DeleteParametersCommand"]),
    );
    agentClient.destroy();
  });

  it("takes a one-part config without asking for a second part", async () => {
    const store = createSsmRunnerConfigStore({ client, prefix: "/rf-test" });
    const names = runnerConfigParameterNames("i-small", "/rf-test");
    const [first] = encodeRunnerConfigParts(JSON.stringify(doc(100)));
    await put(names.first, first);
    expect(await store.take("i-small")).toEqual({ status: "ready", config: doc(100) });
    expect(await left(names.dir)).toEqual([]);
  });

  it("treats an access denial of its own name as not written yet", async () => {
    const denying = new SSMClient({
      endpoint: moto.endpoint,
      region: "us-east-1",
      credentials: testCredentials,
    });
    // moto does not evaluate IAM tag conditions; this stands in for the answer AWS gives a
    // name that does not exist yet (so carries no reader tag).
    denying.middlewareStack.add(
      () => async () => {
        throw new SSMServiceException({
          name: "AccessDeniedException",
          $fault: "client",
          $metadata: { httpStatusCode: 400 },
          message: "not authorized",
        });
      },
      { step: "initialize" },
    );
    const store = createSsmRunnerConfigStore({ client: denying, prefix: "/rf-test" });
    expect(await store.take("i-denied")).toEqual({ status: "pending" });
    denying.destroy();
  });

  it("reports a document that is not a runner config, or lacks its part count", async () => {
    const store = createSsmRunnerConfigStore({ client, prefix: "/rf-test" });
    await put(runnerConfigParameterNames("i-bad", "/rf-test").first, "1\n{}");
    expect((await store.take("i-bad")).status).toBe("invalid");
    await put(runnerConfigParameterNames("i-old", "/rf-test").first, JSON.stringify(doc(10)));
    expect(await store.take("i-old")).toEqual({
      status: "invalid",
      error: "runner config does not start with its part count",
    });
    expect(await left(runnerConfigParameterNames("i-old", "/rf-test").dir)).toEqual([]);
  });
});
