import type { Logger } from "../../../shared/logger.ts";
import { ConflictError } from "../../domain/errors.ts";
import { checkFleetConfig, parseFleetConfigText } from "../../domain/fleet-config.ts";
import type { LabelOptions } from "../../domain/labels-types.ts";
import type { Clock } from "../../ports/clock.ts";
import type { ConfigStore, ConfigVersion } from "../../ports/config-store.ts";
import { retryOnConflict } from "../common/conflicts.ts";
import { iso } from "../common/time.ts";

/** What applying a config did. */
export type ApplyOutcome =
  | { outcome: "applied"; version: ConfigVersion }
  /** The same commit (or file content) is active already: a redelivery, or another replica won. */
  | { outcome: "unchanged"; version: ConfigVersion }
  | { outcome: "refused"; problems: string[] };

export interface ApplyDeps {
  store: ConfigStore;
  clock: Clock;
  logger: Logger;
  /** The installation's label options: pool and alias specs are resolved as labels would be. */
  labels: LabelOptions;
  /** Told of each version this replica writes, so it is in effect here at once. */
  onApplied?(version: ConfigVersion): void;
}

/** Where a config comes from: the YAML text or an already parsed document, and its origin. */
export interface ConfigInput {
  content: { text: string } | { document: unknown };
  commit: string;
  kind: ConfigVersion["kind"];
  source: string;
}

/**
 * Checks a config and, when it is valid, stores it as the next version with one conditional
 * write; a lost race re-reads and tries again, so concurrent applies of the same commit leave one
 * version. An invalid config changes nothing: the refusal is recorded and logged, every problem
 * named.
 */
export async function applyConfig(deps: ApplyDeps, input: ConfigInput): Promise<ApplyOutcome> {
  const { store, clock, logger } = deps;
  const checked =
    "text" in input.content
      ? parseFleetConfigText(input.content.text, deps.labels)
      : checkFleetConfig(input.content.document, deps.labels);
  if (!checked.ok) return await refuseConfig(deps, input, checked.problems);
  type Written = Exclude<ApplyOutcome, { outcome: "refused" }>;
  const result = await retryOnConflict("config version", async (): Promise<Written> => {
    const current = await store.active();
    if (current !== null && current.commit === input.commit)
      return { outcome: "unchanged", version: current };
    const next: ConfigVersion = {
      version: (current?.version ?? 0) + 1,
      commit: input.commit,
      kind: input.kind,
      source: input.source,
      appliedAt: iso(clock.now()),
      config: checked.config,
    };
    if (!(await store.create(next)))
      throw new ConflictError(`config version ${next.version} was written by another replica`);
    return { outcome: "applied", version: next };
  });
  deps.onApplied?.(result.version);
  if (result.outcome === "applied")
    logger.info("config applied", {
      version: result.version.version,
      commit: input.commit,
      source: input.source,
      pools: checked.config.pools.length,
      aliases: checked.config.aliases.length,
    });
  return result;
}

/** Records and logs why a config was not applied; the active version stays. */
export async function refuseConfig(
  deps: Pick<ApplyDeps, "store" | "clock" | "logger">,
  input: Pick<ConfigInput, "commit" | "source">,
  problems: string[],
): Promise<ApplyOutcome> {
  await deps.store.recordRefusal({
    commit: input.commit,
    source: input.source,
    refusedAt: iso(deps.clock.now()),
    problems,
  });
  deps.logger.warn("config refused, the active one stays", {
    commit: input.commit,
    source: input.source,
    problems,
  });
  return { outcome: "refused", problems };
}
