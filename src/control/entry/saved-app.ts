import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import {
  appSecretName,
  createSecretsAppCredentialsStore,
} from "../adapters/aws/secrets-app-credentials.ts";
import { createFileAppCredentialsStore } from "../adapters/local/file-app-credentials.ts";
import type { SavedAppCredentials } from "../ports/app-manifest.ts";
import { type Env, readVariable } from "./config.ts";
import { failed, type Result } from "./result.ts";
import { envNamesApp, withSavedApp } from "./saved-app-env.ts";
import { loadSettings, type Settings, type SettingsSource } from "./settings.ts";

/** What says where the saved App is: the mode, the data directory, the names' prefix, the region. */
export interface AppLocation {
  mode: "local" | "aws";
  dataDir: string;
  tablePrefix: string;
  region: string;
}

/** Reads the App the manifest flow saved, where this mode keeps it. */
export type SavedAppReader = (where: AppLocation) => Promise<SavedAppCredentials | null>;

/**
 * Read variable by variable, not through the whole configuration: a variable the saved App
 * supplies (the webhook secret) must not keep it from being found.
 */
function appLocation(env: Env): AppLocation | null {
  const mode = readVariable(env, "RUNS_FLEET_MODE");
  const dataDir = readVariable(env, "RUNS_FLEET_DATA_DIR");
  const tablePrefix = readVariable(env, "RUNS_FLEET_TABLE_PREFIX");
  if (!mode || dataDir === undefined || tablePrefix === undefined) return null;
  const region =
    readVariable(env, "AWS_REGION") ?? readVariable(env, "RUNS_FLEET_REGIONS")?.[0] ?? "us-east-1";
  return { mode, dataDir, tablePrefix, region };
}

/**
 * Where each mode keeps the App: local mode the data directory's `github-app.json`; AWS mode the
 * secret `<prefix>github-app` (the SDK's default credentials, region and endpoint settings).
 */
export function savedAppReader(o: { secretsManager?: SecretsManagerClient } = {}): SavedAppReader {
  return async (where) => {
    if (where.mode === "local")
      return await createFileAppCredentialsStore({ dir: where.dataDir }).credentials();
    const client = o.secretsManager ?? new SecretsManagerClient({ region: where.region });
    try {
      const name = appSecretName(where.tablePrefix);
      return await createSecretsAppCredentialsStore({ client, name }).credentials();
    } finally {
      if (!o.secretsManager) client.destroy();
    }
  };
}

/**
 * The environment with the App the manifest flow saved filled in when it names none (see
 * `withSavedApp`): what runtimes that build their settings from an environment start from.
 */
export async function envWithSavedApp(
  given: Env,
  read: SavedAppReader = savedAppReader(),
  o: { awsOnly?: boolean } = {},
): Promise<{ env: Env; problems: string[] }> {
  const env: Env = o.awsOnly
    ? { ...given, RUNS_FLEET_MODE: given.RUNS_FLEET_MODE || "aws" }
    : given;
  const where = envNamesApp(env) ? null : appLocation(env);
  // A bad variable is reported when the settings are loaded, with every other problem.
  if (!where) return { env: given, problems: [] };
  try {
    return { env: withSavedApp(given, await read(where)), problems: [] };
  } catch (err) {
    // Not a reason to stop here: the settings load lists this with every other problem.
    const place = where.mode === "local" ? "the data directory" : "Secrets Manager";
    const reason = err instanceof Error ? err.message : String(err);
    return { env: given, problems: [`cannot read the GitHub App saved in ${place}: ${reason}`] };
  }
}

/** A settings load with the problems met while looking for the saved App, all in one list. */
export function withAppProblems<T>(loaded: Result<T>, problems: readonly string[]): Result<T> {
  if (problems.length === 0) return loaded;
  return failed([...problems, ...(loaded.ok ? [] : loaded.problems)]);
}

/**
 * Settings as `loadSettings` makes them, with the App the manifest flow saved when the
 * environment names none: what a restart after creating the App from the dashboard needs.
 */
export async function loadSettingsWithSavedApp(
  source: SettingsSource,
  read: SavedAppReader = savedAppReader(),
): Promise<Result<Settings>> {
  const found = await envWithSavedApp(source.env, read, { awsOnly: source.awsOnly ?? false });
  return withAppProblems(loadSettings({ ...source, env: found.env }), found.problems);
}
