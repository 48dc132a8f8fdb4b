import { parseRunnerConfig, type RunnerConfig } from "../../../shared/runner-config.ts";
import { FleetError, ValidationError } from "../../domain/errors.ts";
import { isSafeInstanceId } from "../../domain/instance-id.ts";
import type { RunnerConfigStore } from "../../ports/runner-config-store.ts";

/**
 * RunnerConfigStore in process memory, with its twins' rules: instance ids that could escape
 * their place are refused, and configs are kept as the JSON text the SSM and file stores hold,
 * parsed on the way out, so no caller shares a stored object.
 */
export function createMemoryRunnerConfigStore(): RunnerConfigStore {
  const configs = new Map<string, string>();
  const checked = (instanceId: string) => {
    if (!isSafeInstanceId(instanceId))
      throw new ValidationError(`"${instanceId}" is not an instance id`);
    return instanceId;
  };
  return {
    async put(instanceId, config: RunnerConfig) {
      configs.set(checked(instanceId), JSON.stringify(config));
    },
    async get(instanceId) {
      const text = configs.get(checked(instanceId));
      if (text === undefined) return null;
      const parsed = parseRunnerConfig(text);
      if (!parsed.ok)
        throw new FleetError("invalid_runner_config", `${instanceId}: ${parsed.error}`);
      return parsed.config;
    },
    async delete(instanceId) {
      configs.delete(checked(instanceId));
    },
  };
}
