import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  appSecretName,
  createSecretsAppCredentialsStore,
} from "../../src/control/adapters/aws/secrets-app-credentials.ts";
import { createAppManifestExchange } from "../../src/control/adapters/github/app-manifest.ts";
import type { Env } from "../../src/control/entry/config.ts";
import { loadSettingsWithSavedApp, savedAppReader } from "../../src/control/entry/saved-app.ts";
import type { AppCredentialsStore } from "../../src/control/ports/app-manifest.ts";
import { buildPlane } from "../support/app.ts";
import { awsFleetFile } from "../support/aws-mode.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";
import { startFakeGitHub } from "../support/fake-github.ts";
import {
  type Moto,
  motoAvailable,
  motoSkipReason,
  startMoto,
  testCredentials,
} from "../support/moto.ts";
import { form, signIn } from "./session.ts";

if (!motoAvailable) console.warn(`app-secrets: skipped, ${motoSkipReason}`);

/** Everything AWS mode needs from the environment except the GitHub App. */
const awsEnv: Env = {
  RUNS_FLEET_MODE: "aws",
  RUNS_FLEET_TABLE_PREFIX: "stack-a-",
  RUNS_FLEET_JOB_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/1/jobs",
  RUNS_FLEET_EVENTS_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/1/events",
  RUNS_FLEET_WEBHOOK_SECRET: "w".repeat(20),
  RUNS_FLEET_ADMIN_TOKEN: "t".repeat(20),
};
const noFiles = (path: string): string => {
  throw new Error(`ENOENT: ${path}`);
};

describe.skipIf(!motoAvailable)("the manifest flow on AWS: the App kept in Secrets Manager", () => {
  let moto: Moto;
  let b: Backends;
  let github: Awaited<ReturnType<typeof startFakeGitHub>>;
  let client: SecretsManagerClient;
  beforeAll(async () => {
    [moto, b, github] = await Promise.all([
      startMoto(),
      startBackends({ prefix: "ui-app-secrets-" }),
      startFakeGitHub(),
    ]);
    client = new SecretsManagerClient({
      region: "us-east-1",
      endpoint: moto.endpoint,
      credentials: testCredentials,
    });
  }, 60_000);
  afterAll(async () => {
    client?.destroy();
    await Promise.all([moto?.stop(), b?.stop(), github?.stop()]);
  });

  /** Runs the flow from the dashboard to GitHub's way back with `code`. */
  async function createApp(store: AppCredentialsStore, code: string) {
    const { app } = buildPlane(b, {
      appSetup: {
        exchange: createAppManifestExchange({ apiUrl: github.url }),
        store,
        githubUrl: "https://github.com",
      },
    });
    const { cookie, csrf } = await signIn(app);
    const page = await (await app.request("/ui/setup/start", form(cookie, { _csrf: csrf }))).text();
    const action = /action="([^"]+)" id="manifest-form"/.exec(page)?.[1]?.replaceAll("&amp;", "&");
    const state = new URL(action ?? "https://github.com").searchParams.get("state") ?? "";
    github.addManifestCode(code);
    const back = await app.request(
      `/ui/setup/callback?code=${code}&state=${encodeURIComponent(state)}`,
    );
    return { app, cookie, back };
  }

  it("stores the new App in <prefix>github-app and a fresh settings load uses it", async () => {
    const name = appSecretName("stack-a-");
    expect(name).toBe("stack-a-github-app");
    const store = createSecretsAppCredentialsStore({ client, name });
    const source = { env: awsEnv, readTextFile: noFiles, fleetFileText: awsFleetFile };
    const reader = savedAppReader({ secretsManager: client });

    // Before the flow: no secret, so AWS mode still lacks an App.
    const before = await loadSettingsWithSavedApp(source, reader);
    expect(before.ok).toBe(false);
    if (!before.ok) expect(before.problems.join("\n")).toContain("a GitHub App is required");

    const { app, cookie, back } = await createApp(store, "code-aws-1");
    expect(back.status).toBe(200);
    const text = await back.text();
    expect(text).toContain("Secrets Manager");
    expect(text).toContain("restart");
    const saved = await store.credentials();
    expect(saved?.privateKey).toContain("PRIVATE KEY");
    expect(saved?.webhookSecret).toMatch(/^whsec-/);
    const setup = await (await app.request("/ui/setup", { headers: { cookie } })).text();
    expect(setup).toContain("a restart applies it");

    const after = await loadSettingsWithSavedApp(source, reader);
    expect(after.ok).toBe(true);
    if (!after.ok || after.value.mode !== "aws") return;
    expect(after.value.github.apps.map((a) => a.appId)).toEqual([saved?.appId]);
    expect(after.value.github.apps[0]?.privateKey).toContain("BEGIN PRIVATE KEY");
    // GitHub signs with the App's secret; the stack's own secret stays accepted as the previous.
    expect(after.value.config.webhookSecrets).toEqual([saved?.webhookSecret, "w".repeat(20)]);

    // A second run of the flow replaces the App in the same secret.
    await createApp(store, "code-aws-2");
    const replaced = await store.credentials();
    expect(replaced?.webhookSecret).toMatch(/^whsec-/);
    expect(replaced?.privateKey).not.toBe(saved?.privateKey);
  });

  it("leaves an App the environment names alone", async () => {
    const env = { ...awsEnv, RUNS_FLEET_GITHUB_APP_ID: "777", RUNS_FLEET_GITHUB_PRIVATE_KEY: "x" };
    let asked = false;
    await loadSettingsWithSavedApp(
      { env, readTextFile: noFiles, fleetFileText: awsFleetFile },
      async () => {
        asked = true;
        return null;
      },
    );
    expect(asked).toBe(false);
  });
});
