import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentEvent } from "../../shared/events.ts";
import { silentLogger } from "../../shared/logger.ts";
import { createEventFactory } from "./build.ts";
import { type Outbox, startOutbox } from "./outbox.ts";
import { createSpool } from "./spool.ts";
import type { EventSink } from "./sqs-sink.ts";

// A fake sink: this suite is about the outbox's retry and ordering logic; the SQS adapter is
// exercised against fauxqs in test/agent.
function flakySink(failFirst: number, refuse: (e: AgentEvent) => boolean = () => false) {
  const received: AgentEvent[] = [];
  let calls = 0;
  const sink: EventSink = {
    sendBatch: async (events) => {
      calls += 1;
      if (calls <= failFirst) throw new Error("queue unreachable");
      const failedIds = events.filter(refuse).map((e) => e.id);
      received.push(...events.filter((e) => !failedIds.includes(e.id)));
      return { failedIds };
    },
  };
  return { sink, received, calls: () => calls };
}

const dirs: string[] = [];
const outboxes: Outbox[] = [];
afterEach(async () => {
  await Promise.all(outboxes.splice(0).map((o) => o.stop()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function setup(sink: EventSink) {
  const dir = await mkdtemp(join(tmpdir(), "outbox-"));
  dirs.push(dir);
  const outbox = startOutbox({
    spool: createSpool(dir),
    sink,
    retry: { baseMs: 1, maxMs: 5 },
    logger: silentLogger,
  });
  outboxes.push(outbox);
  return { dir, outbox };
}

describe("outbox", () => {
  const f = createEventFactory({ instanceId: "i-1" });

  it("delivers every event, in order, after the queue comes back", async () => {
    const s = flakySink(5);
    const { outbox } = await setup(s.sink);
    const events = Array.from({ length: 25 }, (_, i) => f.make("heartbeat", { uptimeSeconds: i }));
    for (const e of events) await outbox.send(e);
    expect(await outbox.flush(10_000)).toBe(true);
    expect(s.received).toEqual(events);
    expect(s.calls()).toBeGreaterThan(5);
  });

  it("keeps refused events spooled and retries them", async () => {
    let refusals = 2;
    const s = flakySink(0, (e) => e.type === "completed" && refusals-- > 0);
    const { outbox } = await setup(s.sink);
    const done = f.make("completed", { status: "success" });
    await outbox.send(done);
    expect(await outbox.flush(10_000)).toBe(true);
    expect(s.received).toEqual([done]);
  });

  it("leaves unsent events on disk for the next agent", async () => {
    const down = flakySink(Number.POSITIVE_INFINITY);
    const { dir, outbox } = await setup(down.sink);
    const e = f.make("completed", { status: "failure" });
    await outbox.send(e);
    expect(await outbox.flush(50)).toBe(false);
    await outbox.stop();

    const up = flakySink(0);
    const next = startOutbox({
      spool: createSpool(dir),
      sink: up.sink,
      retry: { baseMs: 1, maxMs: 5 },
      logger: silentLogger,
    });
    outboxes.push(next);
    expect(await next.flush(10_000)).toBe(true);
    expect(up.received).toEqual([e]);
  });

  it("tells whether a completed event is still undelivered", async () => {
    let down = true;
    const received: AgentEvent[] = [];
    const { outbox } = await setup({
      sendBatch: async (events) => {
        if (down) throw new Error("queue unreachable");
        received.push(...events);
        return { failedIds: [] };
      },
    });
    await outbox.send(f.make("heartbeat", { uptimeSeconds: 1 }));
    expect(await outbox.holds("completed")).toBe(false);
    await outbox.send(f.make("completed", { status: "success" }));
    expect(await outbox.holds("completed")).toBe(true);
    down = false;
    expect(await outbox.flush(10_000)).toBe(true);
    expect(await outbox.holds("completed")).toBe(false);
    expect(received.map((e) => e.type)).toEqual(["heartbeat", "completed"]);
  });

  it("stops waiting for the queue when the flush is aborted", async () => {
    const { outbox } = await setup(flakySink(Number.POSITIVE_INFINITY).sink);
    await outbox.send(f.make("completed", { status: "success" }));
    const abort = new AbortController();
    const flushing = outbox.flush(3_600_000, abort.signal);
    abort.abort();
    expect(await flushing).toBe(false);
    expect(await outbox.holds("completed")).toBe(true);
  });
});
