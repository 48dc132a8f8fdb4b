import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseRunnerConfig, type RunnerConfig } from "../../../shared/runner-config.ts";
import { FleetError, ValidationError } from "../../domain/errors.ts";
import { isSafeInstanceId } from "../../domain/instance-id.ts";
import type { RunnerConfigStore } from "../../ports/runner-config-store.ts";

/**
 * Runner configs as files for local mode: `<dir>/<instanceId>.json`, mode 0600, written to a
 * temporary file and renamed into place, so the agent never reads half a config.
 */
export function createFileRunnerConfigStore(options: { dir: string }): RunnerConfigStore {
  const pathOf = (instanceId: string) => {
    if (!isSafeInstanceId(instanceId))
      throw new ValidationError(`"${instanceId}" is not an instance id`);
    return join(options.dir, `${instanceId}.json`);
  };
  return {
    async put(instanceId: string, config: RunnerConfig) {
      const path = pathOf(instanceId);
      await mkdir(options.dir, { recursive: true, mode: 0o700 });
      // The temporary name does not end in `.json`: nobody mistakes it for a config.
      const temp = join(options.dir, `.${instanceId}.${randomUUID()}.tmp`);
      try {
        await writeFile(temp, JSON.stringify(config), { mode: 0o600, flag: "wx" });
        await rename(temp, path);
      } catch (err) {
        await rm(temp, { force: true });
        throw new FleetError(
          "runner_config_write_failed",
          `storing the runner config of ${instanceId} failed`,
          {
            retryable: true,
            cause: err,
          },
        );
      }
    },

    async get(instanceId: string) {
      let text: string;
      try {
        text = await readFile(pathOf(instanceId), "utf8");
      } catch (err) {
        if ((err as { code?: string }).code === "ENOENT") return null;
        throw err;
      }
      const parsed = parseRunnerConfig(text);
      if (!parsed.ok)
        throw new FleetError("invalid_runner_config", `${instanceId}: ${parsed.error}`);
      return parsed.config;
    },

    async delete(instanceId: string) {
      await rm(pathOf(instanceId), { force: true });
    },
  };
}
