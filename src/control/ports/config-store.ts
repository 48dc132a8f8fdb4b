import type { FleetConfig } from "../domain/fleet-config.ts";

/** One applied config version: what it holds, where it came from and when it was applied. */
export interface ConfigVersion {
  /** 1, 2, 3…: each apply writes the next number once, so replicas agree on the order. */
  version: number;
  /** The commit it was read at (GitOps), or a digest of the local file's content. */
  commit: string;
  /** How it came: a push to the config repository, or the local config file. */
  kind: "gitops" | "file";
  /** Where it was read: `owner/repo:path` (GitOps) or the local file's path. */
  source: string;
  /** ISO 8601. */
  appliedAt: string;
  config: FleetConfig;
}

/** The last config that was refused, kept so operators can see why (the active one stays). */
export interface ConfigRefusal {
  commit: string;
  source: string;
  /** ISO 8601. */
  refusedAt: string;
  problems: string[];
}

/** The versioned GitOps config (table `config`, key `name` + `version`). */
export interface ConfigStore {
  /** The highest version written, or null before any. */
  active(): Promise<ConfigVersion | null>;
  /** Writes `next` only if its version number is still free; false when another writer took it. */
  create(next: ConfigVersion): Promise<boolean>;
  /** The last refusal, or null. */
  lastRefusal(): Promise<ConfigRefusal | null>;
  /** Records a refusal in place of the previous one. */
  recordRefusal(refusal: ConfigRefusal): Promise<void>;
}
