/** A GitHub App as GitHub's manifest flow hands it over: the credentials runs-fleet needs. */
export interface AppRegistration {
  appId: string;
  slug: string;
  /** The App's page on GitHub (where it is installed from). */
  htmlUrl: string;
  owner: string | null;
  privateKey: string;
  webhookSecret: string;
  clientId: string;
  clientSecret: string;
}

/** What is known of a stored App without its secrets. */
export interface StoredApp {
  appId: string;
  slug: string;
  htmlUrl: string;
  savedAt: string;
  /** Where the secrets went, in words ("the data directory", "Secrets Manager"). */
  location: string;
}

/** GitHub's half of the manifest flow: a one-hour code becomes the new App's credentials. */
export interface AppManifestExchange {
  /** `POST /app-manifests/{code}/conversions`; throws a ValidationError for an unknown code. */
  convert(code: string): Promise<AppRegistration>;
}

/** Where the new App's id, private key and webhook secret are kept. */
export interface AppCredentialsStore {
  save(app: AppRegistration, savedAt: string): Promise<StoredApp>;
  /** The stored App, or null before the flow ran. */
  current(): Promise<StoredApp | null>;
}

/** What the control plane needs of a stored App to use it: its id, key and webhook secret. */
export interface SavedAppCredentials {
  appId: string;
  privateKey: string;
  webhookSecret: string;
}

/** A store that can hand the saved App back at start (the secrets included). */
export interface SavedAppSource {
  /** The saved App's credentials, or null before the manifest flow ran. */
  credentials(): Promise<SavedAppCredentials | null>;
}
