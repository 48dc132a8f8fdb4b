import { DeleteParametersCommand, GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { parseRunnerConfig, runnerConfigParameterNames } from "../../shared/runner-config.ts";
import { decodeFirstRunnerConfigPart } from "../../shared/runner-config-parts.ts";
import type { RunnerConfigStore } from "./store.ts";

/**
 * SSM answers for a config that is not there yet. The runner role may read only parameters
 * tagged for its own session, and a name that does not exist has no tag: AWS may answer it
 * with AccessDenied rather than ParameterNotFound.
 */
const notYet = new Set(["ParameterNotFound", "AccessDeniedException"]);

/** One parameter's decrypted value, or undefined while it does not exist (for us). */
async function read(client: SSMClient, name: string): Promise<string | undefined> {
  try {
    const out = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    return out.Parameter?.Value;
  } catch (err) {
    if (notYet.has((err as { name?: string }).name ?? "")) return undefined;
    throw err;
  }
}

/**
 * Reads this instance's runner config from SSM SecureString parameters by exact name (the
 * runner role may not list): `config`, which counts the parts, then `config-2` when counted.
 */
export function createSsmRunnerConfigStore(options: {
  client: SSMClient;
  prefix: string;
}): RunnerConfigStore {
  const { client } = options;
  return {
    take: async (instanceId) => {
      const names = runnerConfigParameterNames(instanceId, options.prefix);
      // Writers put `config` last: until it exists the config is incomplete.
      const first = await read(client, names.first);
      if (first === undefined) return { status: "pending" };
      const head = decodeFirstRunnerConfigPart(first);
      const taken = [names.first];
      let text = head.ok ? head.text : "";
      if (head.ok && head.count === 2) {
        const second = await read(client, names.second);
        // Gone between the two reads: the control plane is replacing the config.
        if (second === undefined) return { status: "pending" };
        taken.push(names.second);
        text += second;
      }
      // Only names that exist: the role may not touch a name without our tag.
      await client.send(new DeleteParametersCommand({ Names: taken }));
      if (!head.ok) return { status: "invalid", error: head.error };
      const parsed = parseRunnerConfig(text);
      return parsed.ok
        ? { status: "ready", config: parsed.config }
        : { status: "invalid", error: parsed.error };
    },
  };
}
