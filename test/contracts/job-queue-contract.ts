import { describe, expect, it } from "vitest";
import { FleetError } from "../../src/control/domain/errors.ts";
import type { JobMessage } from "../../src/control/domain/job-message.ts";
import type { JobQueue } from "../../src/control/ports/job-queue.ts";
import { defaultSpec } from "../support/jobs.ts";
import { receiveAll, sleep } from "./receive.ts";

/** A queue under test, and a way to put a foreign body on it (as another producer could). */
export interface QueueUnderTest {
  queue: JobQueue;
  sendRaw(body: string): Promise<void>;
}

const message = (jobId: string, retryCount = 0): JobMessage => ({
  jobId,
  repo: "octo-org/app",
  runId: "77",
  spec: defaultSpec,
  retryCount,
  forceOnDemand: false,
  priority: "normal",
});

/** What every JobQueue does, standard or FIFO; `make` returns an empty queue. */
export function jobQueueContract(
  name: string,
  kind: "standard" | "fifo",
  make: () => Promise<QueueUnderTest>,
) {
  describe(`${name}: job queue contract (${kind})`, () => {
    it("delivers what was sent, with its id, trace context and receive count", async () => {
      const { queue } = await make();
      const id = await queue.send(message("1"), {
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      });
      const [got, ...rest] = await queue.receive({ max: 10, waitSeconds: 1 });
      expect(rest).toEqual([]);
      expect(got).toMatchObject({
        message: message("1"),
        messageId: id,
        receiveCount: 1,
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      });
      expect(got?.receipt).toEqual(expect.any(String));
      expect(await queue.receive({ max: 10, waitSeconds: 0 })).toEqual([]);
    });

    it("hides a received message until retryLater hands it back, then counts the receive", async () => {
      const { queue } = await make();
      await queue.send(message("2"));
      const [first] = await queue.receive({ max: 1, waitSeconds: 1, visibilitySeconds: 30 });
      expect(await queue.receive({ max: 10, waitSeconds: 0 })).toEqual([]);
      await queue.retryLater(first!.receipt, 0);
      const [second] = await queue.receive({ max: 1, waitSeconds: 1 });
      expect(second).toMatchObject({ messageId: first?.messageId, receiveCount: 2 });
      expect(second?.receipt).not.toBe(first?.receipt);
    });

    it("shows a message again once its visibility timeout ends", async () => {
      const { queue } = await make();
      await queue.send(message("3"));
      const [first] = await queue.receive({ max: 1, waitSeconds: 1, visibilitySeconds: 1 });
      expect(first?.message?.jobId).toBe("3");
      expect(await queue.receive({ max: 1, waitSeconds: 0 })).toEqual([]);
      await sleep(1_200);
      const [again] = await queue.receive({ max: 1, waitSeconds: 1 });
      expect(again).toMatchObject({ messageId: first?.messageId, receiveCount: 2 });
    });

    it("deletes for good; deleting twice is fine, handing back a deleted message is not", async () => {
      const { queue } = await make();
      await queue.send(message("4"));
      const [got] = await queue.receive({ max: 1, waitSeconds: 1 });
      await queue.delete(got!.receipt);
      await queue.delete(got!.receipt);
      const err = await queue.retryLater(got!.receipt, 0).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FleetError);
      expect((err as FleetError).retryable).toBe(false);
      expect(await queue.receive({ max: 10, waitSeconds: 0 })).toEqual([]);
    });

    it("never hands out more than asked, and every message exactly once", async () => {
      const { queue } = await make();
      for (let i = 0; i < 5; i++) await queue.send(message(`5${i}`));
      const batch = await queue.receive({ max: 3, waitSeconds: 1, visibilitySeconds: 30 });
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(3);
      const rest = await receiveAll(queue, 5 - batch.length);
      const ids = [...batch, ...rest].map((r) => r.message?.jobId).sort();
      expect(ids).toEqual(["50", "51", "52", "53", "54"]);
    });

    it("long-polls: a receive waiting on an empty queue gets a message sent meanwhile", async () => {
      const { queue } = await make();
      const waiting = queue.receive({ max: 10, waitSeconds: 5 });
      await sleep(200);
      await queue.send(message("6"));
      const got = await waiting;
      expect(got.map((r) => r.message?.jobId)).toEqual(["6"]);
    });

    it("counts the messages waiting: not those received (in flight), not those deleted", async () => {
      const { queue } = await make();
      // The emulator and memory answer at once; real SQS is approximate and may lag a little.
      expect(await queue.approximateDepth()).toBe(0);
      for (const id of ["11", "12", "13"]) await queue.send(message(id));
      expect(await queue.approximateDepth()).toBe(3);
      const [got] = await queue.receive({ max: 1, waitSeconds: 1, visibilitySeconds: 30 });
      expect(await queue.approximateDepth()).toBe(2);
      await queue.delete(got!.receipt);
      expect(await queue.approximateDepth()).toBe(2);
      for (const r of await receiveAll(queue, 2)) await queue.delete(r.receipt);
      expect(await queue.approximateDepth()).toBe(0);
    });

    it("reports a body that is not a job message, without a message", async () => {
      const q = await make();
      await q.sendRaw('{"jobId":7}');
      await q.sendRaw("not json");
      const got = await receiveAll(q.queue, 2);
      expect(got).toHaveLength(2);
      for (const r of got) {
        expect(r.message).toBeNull();
        expect(r.error).toEqual(expect.any(String));
      }
    });

    if (kind === "standard") {
      it("holds a delayed message back until its delay has passed", async () => {
        const { queue } = await make();
        await queue.send(message("8"), { delaySeconds: 1 });
        expect(await queue.receive({ max: 1, waitSeconds: 0 })).toEqual([]);
        const got = await queue.receive({ max: 1, waitSeconds: 3 });
        expect(got.map((r) => r.message?.jobId)).toEqual(["8"]);
      });
    }

    if (kind === "fifo") {
      it("drops a send whose deduplication id was seen, and keeps a job's messages in order", async () => {
        const { queue } = await make();
        const first = await queue.send(message("9", 0));
        await queue.send(message("9", 0));
        await queue.send(message("9", 1));
        await queue.send(message("10", 0));
        const batch = await queue.receive({ max: 10, waitSeconds: 1, visibilitySeconds: 30 });
        const head = batch.find((r) => r.message?.jobId === "9");
        expect(head).toMatchObject({ messageId: first, message: { retryCount: 0 } });
        expect(batch.some((r) => r.message?.jobId === "10")).toBe(true);
        // While the job's first message is out, its second is not handed to anyone else.
        if (!batch.some((r) => r.message?.retryCount === 1))
          expect(await queue.receive({ max: 10, waitSeconds: 0 })).toEqual([]);
        for (const r of batch) await queue.delete(r.receipt);
        const rest = await receiveAll(queue, batch.length === 3 ? 0 : 1);
        const all = [...batch, ...rest].map((r) => `${r.message?.jobId}-${r.message?.retryCount}`);
        expect(all.sort()).toEqual(["10-0", "9-0", "9-1"]);
      });
    }
  });
}
