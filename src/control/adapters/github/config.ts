import * as v from "valibot";
import { toPkcs8Pem } from "./private-key.ts";

/** A private key given as PEM text (PKCS#1 or PKCS#8), normalised to PKCS#8 PEM. */
const PrivateKeySchema = v.pipe(
  v.string(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const result = toPkcs8Pem(dataset.value);
    if (result.ok) return result.pem;
    addIssue({ message: result.error });
    return NEVER;
  }),
);

const AppSchema = v.object({
  appId: v.pipe(
    v.union([v.string(), v.number()]),
    v.transform(String),
    v.regex(/^\d+$/, "appId must be the App's numeric id"),
  ),
  privateKey: PrivateKeySchema,
});

const UrlSchema = v.pipe(
  v.string(),
  v.url(),
  v.transform((u) => u.replace(/\/+$/, "")),
);

/** The GitHub part of the configuration: one or more Apps and where runners register. */
export const GitHubConfigSchema = v.pipe(
  v.object({
    /** Several Apps installed on the same accounts spread the API load (round-robin). */
    apps: v.pipe(v.array(AppSchema), v.minLength(1, "at least one GitHub App is needed")),
    /** REST API base URL; GitHub Enterprise Server: `https://<host>/api/v3`. */
    apiUrl: v.optional(UrlSchema, "https://api.github.com"),
    /** Web URL runners register against; derived from `apiUrl` when absent. */
    serverUrl: v.optional(UrlSchema),
    /** `repo`: runners belong to the job's repository; `org`: to its organisation. */
    runnerScope: v.optional(v.picklist(["repo", "org"]), "repo"),
    /** Runner group name or id (org scope); repository runners always join the default group. */
    runnerGroup: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1))),
    /** False registers runners with registration tokens instead of JIT configs. */
    jit: v.optional(v.boolean(), true),
  }),
  v.check(
    (c) => new Set(c.apps.map((a) => a.appId)).size === c.apps.length,
    "each App may be listed once",
  ),
  v.transform((c) => ({ ...c, serverUrl: c.serverUrl ?? serverUrlFor(c.apiUrl) })),
);
export type GitHubConfig = v.InferOutput<typeof GitHubConfigSchema>;
export type GitHubAppCredentials = GitHubConfig["apps"][number];

/** `https://api.github.com` → `https://github.com`; GHES `https://h/api/v3` → `https://h`. */
export function serverUrlFor(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === "api.github.com") return "https://github.com";
  if (url.hostname.startsWith("api.") && url.pathname.replace(/\/+$/, "") === "") {
    return `${url.protocol}//${url.host.slice(4)}`;
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/api\/v3\/?$/, "")}`.replace(
    /\/+$/,
    "",
  );
}

/** One App in `RUNS_FLEET_GITHUB_APPS`: the key inline or in a file. */
const EnvAppSchema = v.object({
  appId: v.union([v.string(), v.number()]),
  privateKey: v.optional(v.string()),
  privateKeyFile: v.optional(v.string()),
});

/** Environment variables read by `githubConfigFromEnv`. */
export const githubEnvNames = [
  "RUNS_FLEET_GITHUB_APP_ID",
  "RUNS_FLEET_GITHUB_PRIVATE_KEY",
  "RUNS_FLEET_GITHUB_PRIVATE_KEY_FILE",
  "RUNS_FLEET_GITHUB_APPS",
  "RUNS_FLEET_GITHUB_API_URL",
  "RUNS_FLEET_GITHUB_SERVER_URL",
  "RUNS_FLEET_GITHUB_RUNNER_SCOPE",
  "RUNS_FLEET_GITHUB_RUNNER_GROUP",
  "RUNS_FLEET_GITHUB_JIT",
] as const;

type Env = Readonly<Record<string, string | undefined>>;
export type GitHubConfigResult =
  | { ok: true; config: GitHubConfig | null }
  | { ok: false; issues: string[] };

/**
 * Builds the GitHub config from environment variables; `config` is null when no App is
 * configured (local mode then uses the dry-run adapter). `readTextFile` reads `*_FILE` keys.
 */
export function githubConfigFromEnv(
  env: Env,
  readTextFile: (path: string) => string,
): GitHubConfigResult {
  const issues: string[] = [];
  const value = (name: (typeof githubEnvNames)[number]) => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === "" ? undefined : raw;
  };
  const readKey = (where: string, inline: string | undefined, file: string | undefined) => {
    if (inline !== undefined && file !== undefined)
      issues.push(`${where}: give the private key inline or as a file, not both`);
    if (inline !== undefined) return inline;
    if (file === undefined) {
      issues.push(`${where}: a private key is needed`);
      return undefined;
    }
    try {
      return readTextFile(file);
    } catch (err) {
      issues.push(`${where}: cannot read private key file ${file}: ${(err as Error).message}`);
      return undefined;
    }
  };

  const apps: Array<{ appId: string | number; privateKey: string | undefined }> = [];
  const appId = value("RUNS_FLEET_GITHUB_APP_ID");
  if (appId !== undefined) {
    const key = readKey(
      "RUNS_FLEET_GITHUB_APP_ID",
      env.RUNS_FLEET_GITHUB_PRIVATE_KEY,
      value("RUNS_FLEET_GITHUB_PRIVATE_KEY_FILE"),
    );
    apps.push({ appId, privateKey: key });
  } else if (
    value("RUNS_FLEET_GITHUB_PRIVATE_KEY") ??
    value("RUNS_FLEET_GITHUB_PRIVATE_KEY_FILE")
  ) {
    issues.push("RUNS_FLEET_GITHUB_PRIVATE_KEY is set but RUNS_FLEET_GITHUB_APP_ID is not");
  }
  const appsJson = value("RUNS_FLEET_GITHUB_APPS");
  if (appsJson !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(appsJson);
    } catch {
      issues.push("RUNS_FLEET_GITHUB_APPS: not valid JSON");
    }
    const parsed = v.safeParse(v.array(EnvAppSchema), raw);
    if (raw !== undefined && !parsed.success)
      issues.push(`RUNS_FLEET_GITHUB_APPS: ${v.summarize(parsed.issues)}`);
    for (const [i, app] of (parsed.success ? parsed.output : []).entries()) {
      apps.push({
        appId: app.appId,
        privateKey: readKey(`RUNS_FLEET_GITHUB_APPS[${i}]`, app.privateKey, app.privateKeyFile),
      });
    }
  }
  if (apps.length === 0) {
    return issues.length === 0 ? { ok: true, config: null } : { ok: false, issues };
  }

  const jit = value("RUNS_FLEET_GITHUB_JIT");
  if (jit !== undefined && !/^(true|false)$/i.test(jit))
    issues.push("RUNS_FLEET_GITHUB_JIT: expected true or false");
  const input = {
    apps: apps.map((a) => ({ appId: a.appId, privateKey: a.privateKey ?? "" })),
    apiUrl: value("RUNS_FLEET_GITHUB_API_URL"),
    serverUrl: value("RUNS_FLEET_GITHUB_SERVER_URL"),
    runnerScope: value("RUNS_FLEET_GITHUB_RUNNER_SCOPE")?.toLowerCase(),
    runnerGroup: value("RUNS_FLEET_GITHUB_RUNNER_GROUP"),
    jit: jit === undefined ? undefined : jit.toLowerCase() === "true",
  };
  const parsed = v.safeParse(GitHubConfigSchema, dropUndefined(input));
  if (!parsed.success) {
    for (const issue of parsed.issues) {
      const path = v.getDotPath(issue);
      // A missing key was reported above; its empty stand-in would only repeat it.
      const index = /^apps\.(\d+)\.privateKey$/.exec(path ?? "")?.[1];
      if (index !== undefined && apps[Number(index)]?.privateKey === undefined) continue;
      issues.push(`${path ? `github.${path}` : "github"}: ${issue.message}`);
    }
  }
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  return { ok: true, config: parsed.output };
}

function dropUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as Partial<T>;
}
