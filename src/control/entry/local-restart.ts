import type { Logger } from "../../shared/logger.ts";
import { ConflictError } from "../domain/errors.ts";
import { resendQueuedJob } from "../services/housekeeping/reconciler.ts";
import type { ControlPlane } from "./compose-types.ts";

/**
 * Local mode's queues live in memory, so after a restart every job still `queued` in the table
 * has lost its message: send them all again at once rather than wait for the reconciler's
 * threshold. (On AWS the queues are durable and this is not needed.)
 */
export async function resendQueuedAfterRestart(
  plane: ControlPlane,
  logger: Logger,
): Promise<number> {
  let resent = 0;
  let cursor: string | undefined;
  do {
    const page = await plane.jobs.list({
      status: "queued",
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    for (const job of page.jobs) {
      try {
        await resendQueuedJob(
          { jobs: plane.jobs, queue: plane.queue, clock: plane.lifecycle.clock },
          job,
        );
        resent++;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    cursor = page.next;
  } while (cursor);
  if (resent > 0) logger.info("queued jobs sent again after a restart", { count: resent });
  return resent;
}
