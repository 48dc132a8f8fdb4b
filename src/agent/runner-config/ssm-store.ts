import {
  DeleteParametersCommand,
  GetParametersByPathCommand,
  type Parameter,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { parseRunnerConfig, runnerConfigParameterNames } from "../../shared/runner-config.ts";
import type { RunnerConfigStore } from "./store.ts";

/** Reads runner configs from SSM SecureString parameters under `<prefix>/runners/<id>/`. */
export function createSsmRunnerConfigStore(options: {
  client: SSMClient;
  prefix: string;
}): RunnerConfigStore {
  return {
    take: async (instanceId) => {
      const names = runnerConfigParameterNames(instanceId, options.prefix);
      const found: Parameter[] = [];
      let next: string | undefined;
      do {
        const page = await options.client.send(
          new GetParametersByPathCommand({
            Path: names.dir,
            WithDecryption: true,
            ...(next ? { NextToken: next } : {}),
          }),
        );
        found.push(...(page.Parameters ?? []));
        next = page.NextToken;
      } while (next);
      const first = found.find((p) => p.Name === names.first)?.Value;
      // Writers put `config` last: until it exists the config is incomplete.
      if (first === undefined) return { status: "pending" };
      const second = found.find((p) => p.Name === names.second)?.Value ?? "";
      await options.client.send(
        new DeleteParametersCommand({
          Names: found.flatMap((p) => (p.Name ? [p.Name] : [])),
        }),
      );
      const parsed = parseRunnerConfig(first + second);
      return parsed.ok
        ? { status: "ready", config: parsed.config }
        : { status: "invalid", error: parsed.error };
    },
  };
}
