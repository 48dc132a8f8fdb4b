import { describe, expect, it } from "vitest";
import { sampleInstance } from "../../../../test/support/instances.ts";
import { EVENT_SIGNATURE_ATTRIBUTE, signEventBody } from "../../../shared/event-signature.ts";
import type { ReceivedEvent } from "../../ports/event-queue.ts";
import { admitEvent, clampToReceiveTime } from "./event-auth.ts";
import { parseFleetEvent } from "./fleet-event.ts";

const key = "7a".repeat(32);
const instances = {
  get: async (id: string) => (id === "i-0a1" ? { ...sampleInstance(id), eventKey: key } : null),
};
const body = JSON.stringify({
  type: "heartbeat",
  id: "h1",
  instanceId: "i-0a1",
  at: "2026-03-01T00:00:00.000Z",
  uptimeSeconds: 1,
});
const message = async (extra: Partial<ReceivedEvent> = {}): Promise<ReceivedEvent> => ({
  body,
  receipt: "r",
  messageId: "m",
  receiveCount: 1,
  attributes: { [EVENT_SIGNATURE_ATTRIBUTE]: await signEventBody(key, body) },
  ...extra,
});
const parsed = () => {
  const p = parseFleetEvent(body);
  if (!p.ok) throw new Error(p.error);
  return p.value;
};

describe("admitting events", () => {
  it("admits an agent event signed with its instance's key, with the record it read", async () => {
    expect(await admitEvent({ instances }, await message(), parsed(), "agent")).toMatchObject({
      ok: true,
      instance: { instanceId: "i-0a1" },
    });
  });

  it("refuses one SQS says another instance's session sent (AWS sets SenderId)", async () => {
    const m = await message({ senderId: "AROAEXAMPLE:i-0b2" });
    expect(await admitEvent({ instances }, m, parsed(), "agent")).toMatchObject({
      ok: false,
      reason: "sender_mismatch",
    });
    const own = await message({ senderId: "AROAEXAMPLE:i-0a1" });
    expect(await admitEvent({ instances }, own, parsed(), "agent")).toMatchObject({
      ok: true,
      instance: { instanceId: "i-0a1" },
    });
  });

  it("refuses an agent-shaped body on the EC2 queue", async () => {
    expect(await admitEvent({ instances }, await message(), parsed(), "ec2")).toMatchObject({
      ok: false,
      reason: "agent_event_on_ec2_queue",
    });
  });
});

describe("clamping agent time", () => {
  const now = Date.parse("2026-03-01T00:00:10.000Z");
  it("stores a time in the future as the receive time, and leaves a past one", () => {
    expect(clampToReceiveTime({ at: "2099-01-01T00:00:00.000Z" }, now).at).toBe(
      "2026-03-01T00:00:10.000Z",
    );
    expect(clampToReceiveTime({ at: "2026-03-01T00:00:09.000Z" }, now).at).toBe(
      "2026-03-01T00:00:09.000Z",
    );
  });
});
