import {
  type AgentEnv,
  parseAgentEnv,
  settingsFromTags,
  type Teardown,
} from "../../shared/agent-env.ts";
import { defaultPaths } from "./paths.ts";

/** What IMDS says about this instance. */
export interface Identity {
  instanceId: string;
  instanceType?: string | undefined;
  region?: string | undefined;
  availabilityZone?: string | undefined;
}

/** The agent's complete configuration: settings with every default resolved, plus identity. */
export type AgentConfig = Omit<AgentEnv, "teardown" | "spoolDir" | "runnerDir" | "region"> &
  Identity & {
    region: string;
    teardown: Teardown;
    spoolDir: string;
    runnerDir: string;
    platform: string;
  };

/** Inputs of `resolveConfig`, most specific last: tags, then the env file, then the process. */
export interface ConfigSources {
  processEnv: Readonly<Record<string, string | undefined>>;
  envFile: Readonly<Record<string, string>>;
  tags: Readonly<Record<string, string>>;
  identity: Identity;
  platform: string;
}

/**
 * Merges the sources and validates them. The process environment beats the env file, which
 * beats instance tags: what an operator set on the machine wins over what the launch said.
 */
export function resolveConfig(
  sources: ConfigSources,
): { ok: true; config: AgentConfig } | { ok: false; issues: string[] } {
  const merged: Record<string, string | undefined> = {
    ...settingsFromTags(sources.tags),
    ...sources.envFile,
  };
  for (const [k, val] of Object.entries(sources.processEnv)) {
    if (val !== undefined && val !== "") merged[k] = val;
  }
  const parsed = parseAgentEnv(merged);
  const issues = parsed.ok ? [] : [...parsed.issues];
  const region = merged.AWS_REGION || sources.identity.region;
  if (!region) issues.push("AWS_REGION: is required (IMDS did not report a region)");
  if (!parsed.ok || !region) return { ok: false, issues };

  const env = parsed.env;
  const paths = defaultPaths(sources.platform, sources.processEnv.ProgramData);
  return {
    ok: true,
    config: {
      ...env,
      ...sources.identity,
      region,
      // A pool instance goes back to standby after a job unless told otherwise.
      teardown: env.teardown ?? (env.pool ? "standby" : "terminate"),
      spoolDir: env.spoolDir ?? paths.spoolDir,
      runnerDir: env.runnerDir ?? paths.runnerDir,
      platform: sources.platform,
    },
  };
}
