import {
  DeleteParametersCommand,
  GetParametersCommand,
  PutParameterCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import {
  parseRunnerConfig,
  type RunnerConfig,
  runnerConfigParameterNames,
  splitRunnerConfig,
} from "../../../shared/runner-config.ts";
import { FleetError, ValidationError } from "../../domain/errors.ts";
import { isSafeInstanceId } from "../../domain/instance-id.ts";
import type { RunnerConfigStore } from "../../ports/runner-config-store.ts";
import { fromAwsError } from "./aws-errors.ts";

/**
 * Runner configs as SSM SecureString parameters, Standard tier: `<prefix>/runners/<id>/config`,
 * plus `config-2` when the value is over 4 KB. The agent reads the directory once and deletes it.
 */
export function createSsmRunnerConfigStore(options: {
  client: SSMClient;
  /** Parameter path prefix; `/runs-fleet` unless several deployments share an account. */
  prefix?: string;
  /** KMS key for SecureString; the account's `aws/ssm` key when absent. */
  kmsKeyId?: string;
}): RunnerConfigStore {
  const { client } = options;
  const names = (instanceId: string) => {
    if (!isSafeInstanceId(instanceId))
      throw new ValidationError(`"${instanceId}" is not an instance id`);
    return runnerConfigParameterNames(instanceId, options.prefix);
  };
  const remove = async (instanceId: string, n: { first: string; second: string }) => {
    try {
      // Missing names come back as InvalidParameters, not as an error.
      await client.send(new DeleteParametersCommand({ Names: [n.first, n.second] }));
    } catch (err) {
      throw fromAwsError(err, `deleting the runner config of ${instanceId}`);
    }
  };
  const write = async (instanceId: string, name: string, value: string) => {
    try {
      await client.send(
        new PutParameterCommand({
          Name: name,
          Value: value,
          Type: "SecureString",
          Tier: "Standard",
          Overwrite: true,
          ...(options.kmsKeyId ? { KeyId: options.kmsKeyId } : {}),
        }),
      );
    } catch (err) {
      throw fromAwsError(err, `storing the runner config of ${instanceId}`);
    }
  };

  return {
    async put(instanceId: string, config: RunnerConfig) {
      const n = names(instanceId);
      const parts = splitRunnerConfig(JSON.stringify(config));
      // A replaced config goes away first, so a reader never joins parts of two configs;
      // then `config-2` before `config`: whoever finds `config` finds every part.
      await remove(instanceId, n);
      if (parts[1] !== undefined) await write(instanceId, n.second, parts[1]);
      await write(instanceId, n.first, parts[0]);
    },

    async get(instanceId: string) {
      const n = names(instanceId);
      let values: Map<string, string>;
      try {
        const out = await client.send(
          new GetParametersCommand({ Names: [n.first, n.second], WithDecryption: true }),
        );
        values = new Map(
          (out.Parameters ?? []).flatMap((p) =>
            p.Name && p.Value !== undefined ? [[p.Name, p.Value]] : [],
          ),
        );
      } catch (err) {
        throw fromAwsError(err, `reading the runner config of ${instanceId}`);
      }
      const first = values.get(n.first);
      if (first === undefined) return null;
      const parsed = parseRunnerConfig(first + (values.get(n.second) ?? ""));
      if (!parsed.ok)
        throw new FleetError("invalid_runner_config", `${instanceId}: ${parsed.error}`);
      return parsed.config;
    },

    async delete(instanceId: string) {
      await remove(instanceId, names(instanceId));
    },
  };
}
