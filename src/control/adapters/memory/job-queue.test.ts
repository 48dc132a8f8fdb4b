import { describe, expect, it } from "vitest";
import { defaultSpec } from "../../../../test/support/jobs.ts";
import { fixedClock } from "../clock.ts";
import { createMemoryJobQueue } from "./job-queue.ts";

// Behaviour shared with SQS is in test/contracts; these are the time-driven cases a fixed clock
// can show without waiting.
const message = (jobId: string, retryCount = 0) => ({
  jobId,
  repo: "octo-org/app",
  runId: "1",
  spec: defaultSpec,
  retryCount,
  forceOnDemand: false,
  priority: "normal" as const,
});

describe("in-memory job queue", () => {
  it("shows a message again when its visibility timeout ends on the clock", async () => {
    const clock = fixedClock(0);
    const queue = createMemoryJobQueue({ clock });
    await queue.send(message("1"));
    const [got] = await queue.receive({ max: 1, waitSeconds: 0, visibilitySeconds: 60 });
    expect(queue.depth()).toEqual({ visible: 0, hidden: 1 });
    clock.advance(59_999);
    expect(await queue.receive({ max: 1, waitSeconds: 0 })).toEqual([]);
    clock.advance(1);
    const [again] = await queue.receive({ max: 1, waitSeconds: 0 });
    expect(again).toMatchObject({ messageId: got?.messageId, receiveCount: 2 });
    await expect(queue.retryLater(got!.receipt, 0)).rejects.toThrow(/not in flight/);
  });

  it("uses the queue's visibility timeout when a receive names none", async () => {
    const clock = fixedClock(0);
    const queue = createMemoryJobQueue({ clock, visibilitySeconds: 5 });
    await queue.send(message("2"));
    await queue.receive({ max: 1, waitSeconds: 0 });
    clock.advance(4_999);
    expect(queue.depth().visible).toBe(0);
    clock.advance(1);
    expect(queue.depth().visible).toBe(1);
  });

  it("forgets a FIFO deduplication id after five minutes", async () => {
    const clock = fixedClock(0);
    const queue = createMemoryJobQueue({ clock, fifo: true });
    const first = await queue.send(message("3"));
    clock.advance(299_999);
    expect(await queue.send(message("3"))).toBe(first);
    clock.advance(1);
    expect(await queue.send(message("3"))).not.toBe(first);
    expect(queue.depth().visible).toBe(2);
  });

  it("ignores a delay on a FIFO queue, as the SQS adapter does", async () => {
    const queue = createMemoryJobQueue({ clock: fixedClock(0), fifo: true });
    await queue.send(message("4"), { delaySeconds: 30 });
    expect((await queue.receive({ max: 1, waitSeconds: 0 })).map((r) => r.message?.jobId)).toEqual([
      "4",
    ]);
  });

  it("ends a long poll on time even when the clock stands still", async () => {
    const queue = createMemoryJobQueue({ clock: fixedClock(0) });
    await queue.send(message("5"));
    await queue.receive({ max: 1, waitSeconds: 0, visibilitySeconds: 30 });
    expect(await queue.receive({ max: 1, waitSeconds: 0.05 })).toEqual([]);
  });
});
