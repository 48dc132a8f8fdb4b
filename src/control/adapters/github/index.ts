export {
  type GitHubAppCredentials,
  type GitHubConfig,
  GitHubConfigSchema,
  githubConfigFromEnv,
  githubEnvNames,
} from "./config.ts";
export { createGitHubApp, type GitHubAppDeps } from "./github-app.ts";
export { checkSigningKey, toPkcs8Pem } from "./private-key.ts";
