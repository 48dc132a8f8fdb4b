import { describe, expect, it } from "vitest";
import { fixedClock } from "../clock.ts";
import { createMemoryEventQueue } from "./event-queue.ts";

// Behaviour shared with SQS is in test/contracts; these are the time-driven cases a fixed clock
// can show without waiting.
describe("in-memory event queue", () => {
  it("shows an event again when its visibility timeout ends on the clock", async () => {
    const clock = fixedClock(0);
    const queue = createMemoryEventQueue({ clock, visibilitySeconds: 10 });
    await queue.send('{"type":"heartbeat"}');
    const [got] = await queue.receive({ max: 1, waitSeconds: 0 });
    expect(queue.depth()).toEqual({ visible: 0, hidden: 1 });
    clock.advance(9_999);
    expect(await queue.receive({ max: 1, waitSeconds: 0 })).toEqual([]);
    clock.advance(1);
    const [again] = await queue.receive({ max: 1, waitSeconds: 0, visibilitySeconds: 60 });
    expect(again).toMatchObject({ messageId: got?.messageId, receiveCount: 2 });
    // The first receipt is outdated: deleting by it does nothing, handing back by it fails.
    await queue.delete(got?.receipt ?? "");
    expect(queue.depth()).toEqual({ visible: 0, hidden: 1 });
    await expect(queue.retryLater(got?.receipt ?? "", 0)).rejects.toThrow(
      /an event.*not in flight/,
    );
  });

  it("hands an event back after the delay retryLater names", async () => {
    const clock = fixedClock(0);
    const queue = createMemoryEventQueue({ clock });
    await queue.send("{}");
    const [got] = await queue.receive({ max: 1, waitSeconds: 0 });
    await queue.retryLater(got?.receipt ?? "", 5);
    clock.advance(4_999);
    expect(queue.depth().visible).toBe(0);
    clock.advance(1);
    expect(await queue.receive({ max: 1, waitSeconds: 0 })).toMatchObject([{ receiveCount: 2 }]);
  });
});
