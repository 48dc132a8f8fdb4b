import * as v from "valibot";
import { type AgentEvent, AgentEventSchema } from "../../../shared/events.ts";
import { type Ec2Event, Ec2EventSchema } from "../../domain/ec2-events.ts";

/** Which queue a message came from: the agents' queue, or the one only EventBridge feeds. */
export type EventSource = "agent" | "ec2";

/** A parsed events-queue body: an agent event or an EventBridge EC2 event. */
export type FleetEvent =
  | { source: "agent"; event: AgentEvent }
  | { source: "ec2"; event: Ec2Event };

/**
 * Parses an events body, or says why it is not an event we know. What the body looks like
 * says only what it claims to be; which queue it came from decides whether it is believed.
 */
export function parseFleetEvent(
  body: string,
): { ok: true; value: FleetEvent } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { ok: false, error: "body is not JSON" };
  }
  if (typeof raw === "object" && raw !== null && "detail-type" in raw) {
    const ec2 = v.safeParse(Ec2EventSchema, raw);
    return ec2.success
      ? { ok: true, value: { source: "ec2", event: ec2.output } }
      : { ok: false, error: `unknown EC2 event: ${v.summarize(ec2.issues)}` };
  }
  const agent = v.safeParse(AgentEventSchema, raw);
  return agent.success
    ? { ok: true, value: { source: "agent", event: agent.output } }
    : { ok: false, error: `unknown agent event: ${v.summarize(agent.issues)}` };
}

/** The instance a parsed event is about. */
export function instanceOf(e: FleetEvent): string {
  return e.source === "agent" ? e.event.instanceId : e.event.detail["instance-id"];
}
