import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import type {
  AppCredentialsStore,
  SavedAppCredentials,
  SavedAppSource,
  StoredApp,
} from "../../ports/app-manifest.ts";
import { parseSavedApp, type SavedApp } from "../github/saved-app.ts";
import { fromAwsError } from "./aws-errors.ts";

/** The secret a stack's control plane keeps its GitHub App in: `<prefix>github-app`. */
export function appSecretName(prefix: string): string {
  return `${prefix}github-app`;
}

const location = "Secrets Manager";

function errorName(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "name" in err
    ? String((err as { name: unknown }).name)
    : undefined;
}

/**
 * Keeps the App made from the dashboard in one Secrets Manager secret (JSON: id, slug, page,
 * private key, webhook secret), so every replica and every restart finds the same App.
 */
export function createSecretsAppCredentialsStore(o: {
  client: SecretsManagerClient;
  name: string;
}): AppCredentialsStore & SavedAppSource {
  const read = async (): Promise<SavedApp | null> => {
    let text: string | undefined;
    try {
      ({ SecretString: text } = await o.client.send(
        new GetSecretValueCommand({ SecretId: o.name }),
      ));
    } catch (err) {
      if (errorName(err) === "ResourceNotFoundException") return null;
      throw fromAwsError(err, `reading secret ${o.name}`);
    }
    return text === undefined ? null : parseSavedApp(text);
  };
  return {
    async save(app, savedAt): Promise<StoredApp> {
      const { appId, slug, htmlUrl, privateKey, webhookSecret } = app;
      const value = JSON.stringify({ appId, slug, htmlUrl, savedAt, privateKey, webhookSecret });
      try {
        await o.client.send(
          new CreateSecretCommand({
            Name: o.name,
            SecretString: value,
            Description: "runs-fleet: the GitHub App created from the dashboard",
          }),
        );
      } catch (err) {
        if (errorName(err) !== "ResourceExistsException")
          throw fromAwsError(err, `creating secret ${o.name}`);
        // Created by an earlier run of the flow: a new version replaces the App.
        try {
          await o.client.send(new PutSecretValueCommand({ SecretId: o.name, SecretString: value }));
        } catch (putErr) {
          throw fromAwsError(putErr, `updating secret ${o.name}`);
        }
      }
      return { appId, slug, htmlUrl, savedAt, location };
    },
    async current() {
      const stored = await read();
      if (!stored) return null;
      const { appId, slug, htmlUrl, savedAt } = stored;
      return { appId, slug, htmlUrl, savedAt, location };
    },
    async credentials(): Promise<SavedAppCredentials | null> {
      const stored = await read();
      if (!stored) return null;
      const { appId, privateKey, webhookSecret } = stored;
      return { appId, privateKey, webhookSecret };
    },
  };
}
