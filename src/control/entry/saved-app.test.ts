import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateAppKey } from "../../../test/support/fake-github-keys.ts";
import { createFileAppCredentialsStore } from "../adapters/local/file-app-credentials.ts";
import { loadSettingsWithSavedApp } from "./saved-app.ts";

const noFiles = (path: string): string => {
  throw new Error(`ENOENT: ${path}`);
};
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A data directory holding `github-app.json` as the dashboard's manifest flow writes it. */
async function dataDirWithApp() {
  const dir = await mkdtemp(join(tmpdir(), "saved-app-"));
  dirs.push(dir);
  const key = generateAppKey().pkcs1;
  await createFileAppCredentialsStore({ dir }).save(
    {
      appId: "4242",
      slug: "runs-fleet-test",
      htmlUrl: "https://github.com/apps/runs-fleet-test",
      owner: null,
      privateKey: key,
      webhookSecret: "whsec-saved-secret-0001",
      clientId: "Iv1.x",
      clientSecret: "s",
    },
    "2026-01-01T00:00:00.000Z",
  );
  return dir;
}

describe("local mode takes the App saved in the data directory at start", () => {
  it("uses github-app.json when the environment names no App", async () => {
    const dir = await dataDirWithApp();
    const loaded = await loadSettingsWithSavedApp({
      env: { RUNS_FLEET_DATA_DIR: dir },
      readTextFile: noFiles,
    });
    expect(loaded.ok).toBe(true);
    if (!loaded.ok || loaded.value.mode !== "local") return;
    expect(loaded.value.github?.apps.map((a) => a.appId)).toEqual(["4242"]);
    expect(loaded.value.config.webhookSecrets).toEqual(["whsec-saved-secret-0001"]);
  });

  it("keeps an App the environment names, and dry-runs with no saved App", async () => {
    const dir = await dataDirWithApp();
    const env = {
      RUNS_FLEET_DATA_DIR: dir,
      RUNS_FLEET_GITHUB_APP_ID: "99",
      RUNS_FLEET_GITHUB_PRIVATE_KEY: generateAppKey().pkcs1,
    };
    const named = await loadSettingsWithSavedApp({ env, readTextFile: noFiles });
    expect(named.ok && named.value.github?.apps.map((a) => a.appId)).toEqual(["99"]);

    const empty = await mkdtemp(join(tmpdir(), "saved-app-"));
    dirs.push(empty);
    const none = await loadSettingsWithSavedApp({
      env: { RUNS_FLEET_DATA_DIR: empty },
      readTextFile: noFiles,
    });
    expect(none.ok && none.value.github).toBe(null);
  });
});
