import type { Logger } from "../../shared/logger.ts";
import type { ControlPlane } from "./compose-types.ts";

/** Repeats `step` until the signal aborts, pausing after failures so a broken dependency is not hammered. */
async function forever(
  name: string,
  signal: AbortSignal,
  logger: Logger,
  step: () => Promise<unknown>,
) {
  let failures = 0;
  while (!signal.aborted) {
    try {
      await step();
      failures = 0;
    } catch (err) {
      failures++;
      const pause = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
      logger.error(`${name} loop failed; pausing`, { error: err, pauseMs: pause });
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}

/**
 * The long-running loops of Node and Bun: the scheduler and the events consumer drain their
 * queues continuously (long polls). Deno.cron and Lambda call the same bounded drains instead.
 */
export function startLoops(
  plane: ControlPlane,
  logger: Logger,
  options: { housekeepingEveryMs?: number } = {},
) {
  const extra = [
    {
      name: "housekeeping",
      everyMs: options.housekeepingEveryMs ?? 15_000,
      // The daily cost report rides the same timer: its tick is cheap when nothing is due.
      run: async () => {
        await plane.housekeeping.runAll();
        await plane.costReports.tick();
        // The SLO metrics, every 5 minutes at most (the fast-burn alarm's period).
        await plane.slo.tick();
      },
    },
  ];
  const controller = new AbortController();
  const { signal } = controller;
  const running = [
    forever("scheduler", signal, logger, () =>
      plane.scheduler.drain({ budgetMs: 60_000, untilEmpty: false, waitSeconds: 5, signal }),
    ),
    forever("events", signal, logger, () =>
      plane.consumer.drain({ budgetMs: 60_000, untilEmpty: false, waitSeconds: 5, signal }),
    ),
    ...extra.map((task) =>
      forever(task.name, signal, logger, async () => {
        await task.run();
        await new Promise<void>((r) => {
          const t = setTimeout(r, task.everyMs);
          signal.addEventListener("abort", () => {
            clearTimeout(t);
            r();
          });
        });
      }),
    ),
  ];
  return {
    /** Stops the loops after the current receive returns (at most a long poll). */
    stop: async () => {
      controller.abort();
      await Promise.allSettled(running);
    },
  };
}
