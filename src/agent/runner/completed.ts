import type { AgentEvent } from "../../shared/events.ts";

/** The `completed` event. */
export type CompletedEvent = Extract<AgentEvent, { type: "completed" }>;
