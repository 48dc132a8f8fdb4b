import { mkdir, readdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as v from "valibot";
import { type AgentEvent, AgentEventSchema } from "../../shared/events.ts";

/** An event waiting on disk, with the file that holds it. */
export interface Spooled {
  file: string;
  event: AgentEvent;
}

/** A directory of events not yet accepted by the queue; survives agent restarts. */
export interface Spool {
  /** Writes the event durably (temp file, then rename) before anyone tries to send it. */
  put(event: AgentEvent): Promise<void>;
  /** Up to `limit` events, oldest first. Unreadable files are set aside as `*.bad`. */
  list(limit?: number): Promise<Spooled[]>;
  /** Forgets events the queue accepted. */
  remove(files: readonly string[]): Promise<void>;
}

/** Opens (creating if needed) an on-disk spool in `dir`. */
export function createSpool(dir: string): Spool {
  let seq = 0;
  let ready: Promise<unknown> | undefined;
  const ensure = () => {
    ready ??= mkdir(dir, { recursive: true });
    return ready;
  };
  return {
    put: async (event) => {
      await ensure();
      // Time, then a per-process sequence: names sort in the order events were made.
      const name = `${String(Date.now()).padStart(15, "0")}-${String(seq++).padStart(6, "0")}-${event.id.replace(/[^\w-]/g, "_")}.json`;
      const tmp = join(dir, `.${name}.tmp`);
      await writeFile(tmp, JSON.stringify(event));
      await rename(tmp, join(dir, name));
    },
    list: async (limit = 10) => {
      await ensure();
      const names = (await readdir(dir)).filter((n) => n.endsWith(".json")).sort();
      const out: Spooled[] = [];
      for (const file of names) {
        if (out.length >= limit) break;
        const parsed = await readFile(join(dir, file), "utf8")
          .then((text) => v.safeParse(AgentEventSchema, JSON.parse(text)))
          .catch(() => undefined);
        if (parsed?.success) out.push({ file, event: parsed.output });
        else await rename(join(dir, file), join(dir, `${file}.bad`)).catch(() => {});
      }
      return out;
    },
    remove: async (files) => {
      await Promise.all(files.map((f) => unlink(join(dir, f)).catch(() => {})));
    },
  };
}
