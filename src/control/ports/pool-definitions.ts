import type { PoolDefinition } from "../domain/pool-config.ts";

/** Where the active pool definitions came from: the fleet file or a GitOps config version. */
export interface PoolDefinitionsOrigin {
  source: "file" | "gitops";
  /** The config version (GitOps) or null for the fleet file. */
  version: string | null;
}

/** The active pool definitions (fleet file, or the GitOps config store); read-only for services. */
export interface PoolDefinitions {
  /** Every active pool, in config order. */
  list(): Promise<PoolDefinition[]>;
  /** One pool by name, or null when no active config defines it. */
  get(name: string): Promise<PoolDefinition | null>;
  /** Where the active definitions came from (shown by `GET /api/pools`). */
  origin(): Promise<PoolDefinitionsOrigin>;
}
