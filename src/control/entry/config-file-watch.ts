import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import type { Logger } from "../../shared/logger.ts";
import type { ApplyOutcome, ConfigInput } from "../services/config/apply-config.ts";

/** How often local mode looks at the config file's modification time. */
export const configFilePollMs = 2000;

/**
 * Local mode's GitOps: the config file (RUNS_FLEET_CONFIG_FILE) is applied as a config version at
 * start and again whenever it changes (its modification time or size), so pools and aliases
 * edited there take effect without a restart. Only its `pools:` and `aliases:` sections are
 * applied; the rest of the file (placement) is read once at start.
 */
export function watchConfigFile(o: {
  path: string;
  apply(input: ConfigInput): Promise<ApplyOutcome>;
  logger: Logger;
}) {
  let seen: string | null = null;

  /** Applies the file if it changed since the last look; null when it did not. */
  const check = async (): Promise<ApplyOutcome | null> => {
    const info = await stat(o.path);
    const mark = `${info.mtimeMs}:${info.size}`;
    if (mark === seen) return null;
    seen = mark;
    const text = await readFile(o.path, "utf8");
    let raw: unknown;
    try {
      raw = parseYaml(text);
    } catch {
      // A syntax error: let the apply path parse it again and report it as a refusal.
      return await o.apply({
        content: { text },
        commit: digest(text),
        kind: "file",
        source: o.path,
      });
    }
    const doc = (raw ?? {}) as Record<string, unknown>;
    const document = {
      ...(doc.pools === undefined ? {} : { pools: doc.pools }),
      ...(doc.aliases === undefined ? {} : { aliases: doc.aliases }),
    };
    // The digest of what is applied: an edit elsewhere in the file makes no new version.
    const commit = digest(JSON.stringify(document));
    return await o.apply({ content: { document }, commit, kind: "file", source: o.path });
  };

  /** Checks every `everyMs` until the returned function is called; failures are logged. */
  const start = (everyMs = configFilePollMs): (() => void) => {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      check()
        .catch((err) =>
          o.logger.warn("could not re-read the config file", { path: o.path, error: err }),
        )
        .finally(() => {
          running = false;
        });
    }, everyMs);
    // The watcher alone must not keep the process alive.
    timer.unref?.();
    return () => clearInterval(timer);
  };

  return { check, start };
}

function digest(text: string): string {
  return `sha256:${createHash("sha256").update(text).digest("hex").slice(0, 16)}`;
}
