import { describe, expect, it } from "vitest";
import { FleetError } from "../../src/control/domain/errors.ts";
import type { EventQueue } from "../../src/control/ports/event-queue.ts";
import { receiveAll, sleep } from "./receive.ts";

const event = (n: number) =>
  JSON.stringify({ type: "heartbeat", instanceId: `i-${n}`, at: "2026-05-01T00:00:00.000Z" });

/** What every EventQueue does; `make` returns an empty queue. */
export function eventQueueContract(name: string, make: () => Promise<EventQueue>) {
  describe(`${name}: event queue contract`, () => {
    it("delivers a body as sent, with an id, a receipt and a receive count", async () => {
      const queue = await make();
      await queue.send(event(1));
      const [got, ...rest] = await queue.receive({ max: 10, waitSeconds: 1 });
      expect(rest).toEqual([]);
      // SenderId is the queue's own word on the sender: SQS sets it, memory has none to give.
      const { senderId: _sender, ...delivered } = got ?? { senderId: undefined };
      expect(delivered).toEqual({
        body: event(1),
        messageId: expect.any(String),
        receipt: expect.any(String),
        receiveCount: 1,
      });
      expect(await queue.receive({ max: 10, waitSeconds: 0 })).toEqual([]);
    });

    it("keeps a message's string attributes (a signed event's signature) through a receive", async () => {
      const queue = await make();
      await queue.send(event(9), { signature: "ab".repeat(32) });
      const [got] = await queue.receive({ max: 10, waitSeconds: 1 });
      expect(got?.attributes).toEqual({ signature: "ab".repeat(32) });
      await queue.delete(got?.receipt ?? "");
      expect(await queue.receive({ max: 10, waitSeconds: 0 })).toEqual([]);
    });

    it("hides a received event until retryLater hands it back, then counts the receive", async () => {
      const queue = await make();
      await queue.send(event(2));
      const [first] = await queue.receive({ max: 1, waitSeconds: 1, visibilitySeconds: 30 });
      expect(await queue.receive({ max: 10, waitSeconds: 0 })).toEqual([]);
      await queue.retryLater(first!.receipt, 0);
      const [second] = await queue.receive({ max: 1, waitSeconds: 1 });
      expect(second).toMatchObject({
        messageId: first?.messageId,
        body: event(2),
        receiveCount: 2,
      });
      expect(second?.receipt).not.toBe(first?.receipt);
    });

    it("deletes for good; deleting twice is fine, handing back a deleted event is not", async () => {
      const queue = await make();
      await queue.send(event(3));
      const [got] = await queue.receive({ max: 1, waitSeconds: 1 });
      await queue.delete(got!.receipt);
      await queue.delete(got!.receipt);
      const err = await queue.retryLater(got!.receipt, 0).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FleetError);
      expect((err as FleetError).retryable).toBe(false);
      expect(await queue.receive({ max: 10, waitSeconds: 0 })).toEqual([]);
    });

    it("never hands out more than asked, and every event exactly once", async () => {
      const queue = await make();
      for (let i = 0; i < 5; i++) await queue.send(event(40 + i));
      const batch = await queue.receive({ max: 3, waitSeconds: 1, visibilitySeconds: 30 });
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(3);
      const rest = await receiveAll(queue, 5 - batch.length);
      const bodies = [...batch, ...rest].map((r) => r.body).sort();
      expect(bodies).toEqual([40, 41, 42, 43, 44].map(event));
    });

    it("counts the events waiting: not those received (in flight), not those deleted", async () => {
      const queue = await make();
      // The emulator and memory answer at once; real SQS is approximate and may lag a little.
      expect(await queue.approximateDepth()).toBe(0);
      for (const n of [61, 62, 63]) await queue.send(event(n));
      expect(await queue.approximateDepth()).toBe(3);
      const [got] = await queue.receive({ max: 1, waitSeconds: 1, visibilitySeconds: 30 });
      expect(await queue.approximateDepth()).toBe(2);
      await queue.delete(got!.receipt);
      expect(await queue.approximateDepth()).toBe(2);
      for (const r of await receiveAll(queue, 2)) await queue.delete(r.receipt);
      expect(await queue.approximateDepth()).toBe(0);
    });

    it("long-polls: a receive waiting on an empty queue gets an event sent meanwhile", async () => {
      const queue = await make();
      const waiting = queue.receive({ max: 10, waitSeconds: 5 });
      await sleep(200);
      await queue.send(event(5));
      expect((await waiting).map((r) => r.body)).toEqual([event(5)]);
    });
  });
}
