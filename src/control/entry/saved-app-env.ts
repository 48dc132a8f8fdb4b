import type { SavedAppCredentials } from "../ports/app-manifest.ts";
import type { Env } from "./config.ts";

const appVariables = [
  "RUNS_FLEET_GITHUB_APP_ID",
  "RUNS_FLEET_GITHUB_APPS",
  "RUNS_FLEET_GITHUB_PRIVATE_KEY",
  "RUNS_FLEET_GITHUB_PRIVATE_KEY_FILE",
] as const;

/** True when the environment configures a GitHub App itself (then a saved one is not used). */
export function envNamesApp(env: Env): boolean {
  return appVariables.some((name) => (env[name]?.trim() ?? "") !== "");
}

/**
 * The environment with the App saved by the manifest flow filled in, when the environment names
 * none. GitHub signs the App's webhooks with the App's own secret, so that secret becomes the
 * current one; a secret the environment gave stays accepted as the previous one (when that slot
 * is free), so deliveries signed with it still pass.
 */
export function withSavedApp(env: Env, saved: SavedAppCredentials | null | undefined): Env {
  if (!saved || envNamesApp(env)) return env;
  const given = env.RUNS_FLEET_WEBHOOK_SECRET?.trim() || undefined;
  const previous = env.RUNS_FLEET_WEBHOOK_SECRET_PREVIOUS?.trim() || undefined;
  return {
    ...env,
    RUNS_FLEET_GITHUB_APP_ID: saved.appId,
    RUNS_FLEET_GITHUB_PRIVATE_KEY: saved.privateKey,
    RUNS_FLEET_WEBHOOK_SECRET: saved.webhookSecret,
    ...(given && given !== saved.webhookSecret && !previous
      ? { RUNS_FLEET_WEBHOOK_SECRET_PREVIOUS: given }
      : {}),
  };
}
