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
} from "../../../shared/runner-config.ts";
import {
  decodeFirstRunnerConfigPart,
  encodeRunnerConfigParts,
} from "../../../shared/runner-config-parts.ts";
import { FleetError, ValidationError } from "../../domain/errors.ts";
import { isSafeInstanceId } from "../../domain/instance-id.ts";
import type { RunnerConfigStore } from "../../ports/runner-config-store.ts";
import { fromAwsError } from "./aws-errors.ts";

/** Tag naming the one session that may read a runner config: `<runner-role-id>:<instance-id>`. */
export const RUNNER_CONFIG_READER_TAG = "runs-fleet:reader";

/**
 * Tag carrying the environment (`env=`) of the instance a runner config is for, the same value
 * as the instance's own `runs-fleet:env` tag: cost allocation and audit see which environment a
 * config belongs to. Access is settled by the reader tag, which names one instance.
 */
export const RUNNER_CONFIG_ENV_TAG = "runs-fleet:env";

/** The label grammar's environment names (`env=`), which are also valid SSM tag values. */
const ENV_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * The reader tag's value for an instance: what IAM's `${aws:userid}` is for requests signed with
 * that instance's instance-profile credentials, so the runner policy can compare the two.
 */
export function runnerConfigReader(runnerRoleId: string, instanceId: string): string {
  return `${runnerRoleId}:${instanceId}`;
}

/**
 * Runner configs as SSM SecureString parameters, Standard tier: `<prefix>/runners/<id>/config`,
 * plus `config-2` when the value is over 4 KB (`config` says how many parts there are). Each is
 * tagged for the one instance that may read and delete it.
 */
export function createSsmRunnerConfigStore(options: {
  client: SSMClient;
  /** Parameter path prefix; `/runs-fleet` unless several deployments share an account. */
  prefix?: string;
  /** KMS key for SecureString; the account's `aws/ssm` key when absent. */
  kmsKeyId?: string;
  /** Unique id (`AROA…`) of the runner role; without it configs carry no reader tag. */
  runnerRoleId?: string;
}): RunnerConfigStore {
  const { client, runnerRoleId } = options;
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
  const write = async (instanceId: string, name: string, value: string, env?: string) => {
    const tags = [
      ...(runnerRoleId
        ? [{ Key: RUNNER_CONFIG_READER_TAG, Value: runnerConfigReader(runnerRoleId, instanceId) }]
        : []),
      ...(env !== undefined ? [{ Key: RUNNER_CONFIG_ENV_TAG, Value: env }] : []),
    ];
    try {
      await client.send(
        new PutParameterCommand({
          Name: name,
          Value: value,
          Type: "SecureString",
          Tier: "Standard",
          // Created, never overwritten (SSM refuses tags with Overwrite): the tags are there from
          // the parameter's first moment, so no reader ever sees it untagged.
          ...(tags.length > 0 ? { Tags: tags } : {}),
          ...(options.kmsKeyId ? { KeyId: options.kmsKeyId } : {}),
        }),
      );
    } catch (err) {
      throw fromAwsError(err, `storing the runner config of ${instanceId}`);
    }
  };

  return {
    async put(instanceId: string, config: RunnerConfig, put?: { env?: string }) {
      const n = names(instanceId);
      const env = put?.env;
      if (env !== undefined && !ENV_PATTERN.test(env))
        throw new ValidationError(`"${env}" is not an environment name`);
      const parts = encodeRunnerConfigParts(JSON.stringify(config));
      // A replaced config goes away first, so a reader never joins parts of two configs;
      // then `config-2` before `config`: whoever finds `config` finds every part it counts.
      await remove(instanceId, n);
      if (parts[1] !== undefined) await write(instanceId, n.second, parts[1], env);
      await write(instanceId, n.first, parts[0], env);
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
      const invalid = (error: string) =>
        new FleetError("invalid_runner_config", `${instanceId}: ${error}`);
      const head = decodeFirstRunnerConfigPart(first);
      if (!head.ok) throw invalid(head.error);
      const rest = head.count === 2 ? (values.get(n.second) ?? "") : "";
      const parsed = parseRunnerConfig(head.text + rest);
      if (!parsed.ok) throw invalid(parsed.error);
      return parsed.config;
    },

    async delete(instanceId: string) {
      await remove(instanceId, names(instanceId));
    },
  };
}
