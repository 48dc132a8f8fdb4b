import type { GitHubConfig } from "./config.ts";

/** One App installed on the account a call is about. */
export interface Installation {
  appId: string;
  installationId: number;
}

/** The account whose installation acts on `repo`: its owner for org runners, else the repository. */
export function accountKey(config: GitHubConfig, repo: string): string {
  return config.runnerScope === "org" ? (repo.split("/")[0] ?? repo) : repo;
}
