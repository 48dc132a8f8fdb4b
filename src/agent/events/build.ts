import type { AgentEvent } from "../../shared/events.ts";

type Of<T extends AgentEvent["type"]> = Extract<AgentEvent, { type: T }>;
type Fields<T extends AgentEvent["type"]> = Omit<Of<T>, "id" | "instanceId" | "at" | "type">;

/** Builds events for one instance; ids and time are passed in so tests are deterministic. */
export interface EventFactory {
  make<T extends AgentEvent["type"]>(type: T, fields: Fields<T>): Of<T>;
}

/** Creates an event factory stamping `instanceId`, a fresh id and the current time. */
export function createEventFactory(options: {
  instanceId: string;
  newId?: () => string;
  now?: () => number;
}): EventFactory {
  const newId = options.newId ?? (() => crypto.randomUUID());
  const now = options.now ?? Date.now;
  return {
    make: (type, fields) =>
      ({
        id: newId(),
        instanceId: options.instanceId,
        at: new Date(now()).toISOString(),
        type,
        ...fields,
      }) as Of<typeof type>,
  };
}
