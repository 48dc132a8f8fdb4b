import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { EVENT_KEY_PATTERN, signEventBody } from "../../shared/event-signature.ts";
import type { Logger } from "../../shared/logger.ts";
import type { RunnerConfigStore } from "../runner-config/store.ts";

/** Signs event bodies with this instance's event key, once the key is known. */
export interface EventSigner {
  /** The body's signature, or undefined while no key is known (the event then goes unsigned). */
  sign(body: string): Promise<string | undefined>;
  /** Adopts the key from a runner config and keeps it on disk for the next agent start. */
  adopt(key: string): Promise<void>;
}

/**
 * The event key holder. The key arrives in the runner config, which is deleted once read; it
 * is kept (mode 0600) in `file` so events still spooled when the agent restarts — a crash, a
 * reboot — go out signed. An unreadable or malformed file is treated as no key.
 */
export async function loadEventSigner(file: string, logger: Logger): Promise<EventSigner> {
  let key: string | undefined;
  try {
    const text = (await readFile(file, "utf8")).trim();
    if (EVENT_KEY_PATTERN.test(text)) key = text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT")
      logger.warn("cannot read the kept event key; events wait for the runner config's", { err });
  }
  return {
    sign: async (body) => (key === undefined ? undefined : await signEventBody(key, body)),
    adopt: async (next) => {
      if (next === key) return;
      key = next;
      try {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(`${file}.tmp`, next, { mode: 0o600 });
        await rename(`${file}.tmp`, file);
      } catch (err) {
        // Signing goes on from memory; only a restart before delivery would lose it.
        logger.warn("cannot keep the event key on disk", { err });
      }
    },
  };
}

/** Wraps a runner config store so a config's event key is adopted as soon as it is read. */
export function adoptingEventKey(store: RunnerConfigStore, signer: EventSigner): RunnerConfigStore {
  return {
    take: async (instanceId) => {
      const r = await store.take(instanceId);
      if (r.status === "ready" && r.config.eventKey) await signer.adopt(r.config.eventKey);
      return r;
    },
  };
}
