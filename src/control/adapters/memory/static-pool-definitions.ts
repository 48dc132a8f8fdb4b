import type { PoolDefinition } from "../../domain/pool-config.ts";
import type { PoolDefinitions } from "../../ports/pool-definitions.ts";
import { copyData } from "./copy.ts";

/**
 * PoolDefinitions over a fixed list: the fleet file's `pools:` section (read once at start), and
 * tests. `replace` swaps the list, as a re-read config file does.
 */
export function createStaticPoolDefinitions(
  initial: readonly PoolDefinition[],
): PoolDefinitions & { replace(pools: readonly PoolDefinition[]): void } {
  let pools = initial.map((p) => copyData(p));
  return {
    async list() {
      return pools.map((p) => copyData(p));
    },
    async get(name) {
      const pool = pools.find((p) => p.name === name);
      return pool ? copyData(pool) : null;
    },
    async origin() {
      return { source: "file", version: null };
    },
    replace(next) {
      pools = next.map((p) => copyData(p));
    },
  };
}
