import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { DashboardDeps } from "./deps.ts";

/** A short text that changes whenever anything the pages show changes. */
export async function fingerprint(deps: DashboardDeps): Promise<string> {
  const [jobs, instances, circuits, audit] = await Promise.all([
    deps.jobs.list({ limit: 1 }),
    deps.instances.list({ limit: 200 }),
    deps.circuits.list(),
    deps.audit.list({ limit: 1 }),
  ]);
  const job = jobs.jobs[0];
  return [
    job ? `${job.jobId}@${job.version}/${job.updatedAt}` : "-",
    instances.instances.map((i) => `${i.instanceId}@${i.version}`).join(","),
    circuits.map((c) => `${c.instanceType}:${c.state}:${c.version}`).join(","),
    audit.records[0]?.id ?? "-",
  ].join("|");
}

/** How long one stream stays open; the browser reconnects (and buffered runtimes answer). */
const streamMs = 25_000;

/**
 * `GET /ui/events`: a `change` event whenever the fingerprint moves. The stream ends after
 * ~25 s and the browser's EventSource reconnects, so a runtime that buffers whole responses
 * (Lambda) still delivers, like polling; the script falls back to polling on errors.
 */
export function liveEvents(c: Context, deps: DashboardDeps) {
  const every = deps.liveIntervalMs ?? 2000;
  return streamSSE(c, async (stream) => {
    let last = await fingerprint(deps);
    const started = Date.now();
    await stream.writeSSE({ event: "ready", data: "", retry: 3000 });
    while (!stream.aborted && Date.now() - started < streamMs) {
      await stream.sleep(every);
      const now = await fingerprint(deps).catch(() => last);
      if (now !== last) {
        last = now;
        await stream.writeSSE({ event: "change", data: String(Date.now()) });
      }
    }
  });
}
