import {
  EVENT_KEY_PATTERN,
  EVENT_SIGNATURE_ATTRIBUTE,
  verifyEventSignature,
} from "../../../shared/event-signature.ts";
import type { AgentEvent } from "../../../shared/events.ts";
import type { Instance } from "../../domain/instance.ts";
import type { ReceivedEvent } from "../../ports/event-queue.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";
import type { EventSource, FleetEvent } from "./fleet-event.ts";

/** Why an event was refused; the `reason` dimension of the `events_rejected` metric. */
export type RejectReason =
  | "unsigned"
  | "bad_signature"
  | "unknown_instance"
  | "sender_mismatch"
  | "ec2_event_on_agent_queue"
  | "agent_event_on_ec2_queue";

/**
 * An accepted event (with the record of the instance an agent event names, read to check it:
 * the consumer takes the job's trace from it rather than reading it again), or why it is refused.
 */
export type Admission =
  | { ok: true; instance: Instance | null }
  | { ok: false; reason: RejectReason; detail: string };

/**
 * Checks an agent event's signature: HMAC-SHA256 of the body under the instance's key. The
 * default is the shared Web Crypto check every runtime has; a Node-only caller may pass an
 * equivalent synchronous one (the simulator does, to skip a thread-pool round trip per event).
 */
export type SignatureCheck = (
  keyHex: string,
  body: string,
  signature: string,
) => Promise<boolean> | boolean;

/** What admission reads: the instance an event names, and optionally the signature check. */
export interface AdmissionDeps {
  instances: Pick<InstanceStore, "get">;
  verifySignature?: SignatureCheck;
}

/** A role session of an instance profile: SQS's `SenderId` is `<role-id>:<instance-id>`. */
const instanceSession = /^[A-Z0-9]+:(i-[0-9a-f]+)$/;

/**
 * Decides whether a message may be applied: EC2 events only from the EC2 events queue (only
 * EventBridge can send there), agent events only from the agents' queue and only when signed
 * with the key of the instance they name. When SQS reports the sender and it is an instance's
 * session, that instance must be the one named too (AWS sets `SenderId`; emulators do not, so
 * the signature is the check that holds everywhere).
 */
export async function admitEvent(
  deps: AdmissionDeps,
  m: ReceivedEvent,
  parsed: FleetEvent,
  from: EventSource,
): Promise<Admission> {
  if (parsed.source !== from) {
    return parsed.source === "ec2"
      ? refuse("ec2_event_on_agent_queue", "EC2 events are taken only from the EC2 events queue")
      : refuse("agent_event_on_ec2_queue", "agent events are taken only from the agents' queue");
  }
  if (parsed.source === "ec2") return { ok: true, instance: null };
  return await admitAgentEvent(deps, m, parsed.event);
}

async function admitAgentEvent(
  deps: AdmissionDeps,
  m: ReceivedEvent,
  e: AgentEvent,
): Promise<Admission> {
  const session = m.senderId ? instanceSession.exec(m.senderId)?.[1] : undefined;
  if (session !== undefined && session !== e.instanceId)
    return refuse("sender_mismatch", `sent by instance ${session}, not by the one it names`);
  const signature = m.attributes?.[EVENT_SIGNATURE_ATTRIBUTE];
  if (!signature) return refuse("unsigned", "the event carries no signature");
  const instance = await deps.instances.get(e.instanceId);
  const key = instance?.eventKey;
  if (!key || !EVENT_KEY_PATTERN.test(key))
    return refuse("unknown_instance", "no event key is known for the instance it names");
  const verify = deps.verifySignature ?? verifyEventSignature;
  if (!(await verify(key, m.body, signature)))
    return refuse("bad_signature", "the signature is not the named instance's");
  return { ok: true, instance };
}

const refuse = (reason: RejectReason, detail: string): Admission => ({
  ok: false,
  reason,
  detail,
});

/**
 * An agent event with its time clamped to when it was received: an agent's clock (or a forger)
 * cannot put a heartbeat, start or end in the future, where it would keep an instance from ever
 * looking silent.
 */
export function clampToReceiveTime<E extends { at: string }>(e: E, now: number): E {
  return Date.parse(e.at) > now ? { ...e, at: new Date(now).toISOString() } : e;
}
