import {
  DescribeParametersCommand,
  GetParametersByPathCommand,
  ListTagsForResourceCommand,
  type Parameter,
  SSMClient,
} from "@aws-sdk/client-ssm";
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
import { decodeFirstRunnerConfigPart } from "../../../shared/runner-config-parts.ts";
import {
  createSsmRunnerConfigStore,
  RUNNER_CONFIG_ENV_TAG,
  RUNNER_CONFIG_READER_TAG,
} from "./ssm-runner-config-store.ts";

let moto: Moto | undefined;
let client: SSMClient;
const roleId = "AROAEXAMPLERUNNERROLE";

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
  runnerConfigStoreContract("ssm with reader tags", () =>
    createSsmRunnerConfigStore({ client, prefix: "/tagged", runnerRoleId: roleId }),
  );

  /** Every parameter of an instance (listed with test credentials), parts joined in order. */
  async function stored(instanceId: string, prefix = "/runs-fleet") {
    const names = runnerConfigParameterNames(instanceId, prefix);
    const out = await client.send(
      new GetParametersByPathCommand({ Path: names.dir, WithDecryption: true }),
    );
    const params: Parameter[] = out.Parameters ?? [];
    const value = (n: string) => params.find((p) => p.Name === n)?.Value;
    const head = decodeFirstRunnerConfigPart(value(names.first) ?? "");
    const text = head.ok ? head.text + (head.count === 2 ? (value(names.second) ?? "") : "") : "";
    return { params, head, text };
  }

  const readerTags = async (name: string) => {
    const out = await client.send(
      new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: name }),
    );
    return (out.TagList ?? []).filter((t) => t.Key === RUNNER_CONFIG_READER_TAG);
  };

  it("stores a small config as one SecureString at <prefix>/runners/<id>/config", async () => {
    const store = createSsmRunnerConfigStore({ client, prefix: "/fleet-a" });
    const config = jitConfig("1", 1500);
    await store.put("i-small", config);
    const { params, head, text } = await stored("i-small", "/fleet-a");
    expect(params.map((p) => [p.Name, p.Type])).toEqual([
      ["/fleet-a/runners/i-small/config", "SecureString"],
    ]);
    expect(head).toMatchObject({ ok: true, count: 1 });
    expect(parseRunnerConfig(text)).toEqual({ ok: true, config });
  });

  it("splits a config over 4 KB into config and config-2, each within the Standard tier", async () => {
    const store = createSsmRunnerConfigStore({ client });
    const config = jitConfig("2", 7000);
    await store.put("i-large", config);
    const { params, head, text } = await stored("i-large");
    expect(params.map((p) => p.Name).sort()).toEqual([
      "/runs-fleet/runners/i-large/config",
      "/runs-fleet/runners/i-large/config-2",
    ]);
    for (const p of params) {
      expect(p.Type).toBe("SecureString");
      expect(new TextEncoder().encode(p.Value).length).toBeLessThanOrEqual(4096);
    }
    expect(head).toMatchObject({ ok: true, count: 2 });
    expect(parseRunnerConfig(text)).toEqual({ ok: true, config });
  });

  it("leaves no stale second part when a long config is replaced by a short one", async () => {
    const store = createSsmRunnerConfigStore({ client });
    await store.put("i-shrink", jitConfig("3", 7000));
    await store.put("i-shrink", jitConfig("4", 500));
    const { params, text } = await stored("i-shrink");
    expect(params).toHaveLength(1);
    expect(parseRunnerConfig(text)).toMatchObject({ ok: true, config: { jobId: "4" } });
  });

  it("tags every part for the one instance session that may read it, replacements too", async () => {
    const store = createSsmRunnerConfigStore({ client, runnerRoleId: roleId });
    await store.put("i-tagged", jitConfig("5", 7000));
    await store.put("i-tagged", jitConfig("6", 7000));
    const names = runnerConfigParameterNames("i-tagged");
    for (const name of [names.first, names.second])
      expect(await readerTags(name), name).toEqual([
        { Key: RUNNER_CONFIG_READER_TAG, Value: `${roleId}:i-tagged` },
      ]);
    expect(await store.get("i-tagged")).toMatchObject({ jobId: "6" });
  });

  it("tags every part with the instance's environment beside its reader", async () => {
    const store = createSsmRunnerConfigStore({ client, prefix: "/envs", runnerRoleId: roleId });
    await store.put("i-prod", jitConfig("8", 7000), { env: "prod" });
    await store.put("i-dev", jitConfig("9"), { env: "dev" });
    const tags = async (name: string) => {
      const out = await client.send(
        new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: name }),
      );
      return Object.fromEntries((out.TagList ?? []).map((t) => [t.Key, t.Value]));
    };
    const prod = runnerConfigParameterNames("i-prod", "/envs");
    for (const name of [prod.first, prod.second])
      expect(await tags(name), name).toEqual({
        [RUNNER_CONFIG_READER_TAG]: `${roleId}:i-prod`,
        [RUNNER_CONFIG_ENV_TAG]: "prod",
      });
    expect(await tags(runnerConfigParameterNames("i-dev", "/envs").first)).toEqual({
      [RUNNER_CONFIG_READER_TAG]: `${roleId}:i-dev`,
      [RUNNER_CONFIG_ENV_TAG]: "dev",
    });
  });

  it("refuses an environment name the label grammar would not accept, storing nothing", async () => {
    const store = createSsmRunnerConfigStore({ client, prefix: "/bad-env" });
    await expect(store.put("i-bad", jitConfig("10"), { env: "Prod!" })).rejects.toMatchObject({
      retryable: false,
    });
    expect((await stored("i-bad", "/bad-env")).params).toEqual([]);
  });

  it("encrypts with the configured KMS key", async () => {
    const kmsKeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";
    const store = createSsmRunnerConfigStore({ client, prefix: "/kms", kmsKeyId });
    await store.put("i-kms", jitConfig("7", 7000));
    const out = await client.send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: "Path", Option: "Recursive", Values: ["/kms/runners"] }],
      }),
    );
    expect(out.Parameters?.map((p) => p.KeyId)).toEqual([kmsKeyId, kmsKeyId]);
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
