import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { AgentEventSchema } from "../../shared/events.ts";
import { createEventFactory } from "./build.ts";

describe("event factory", () => {
  let n = 0;
  const f = createEventFactory({
    instanceId: "i-1",
    newId: () => `id-${++n}`,
    now: () => Date.UTC(2030, 0, 1),
  });

  it("builds events that the shared schemas accept", () => {
    const events = [
      f.make("started", { agentVersion: "1.0.0", jobId: "9", bootTimings: { agentInitMs: 12 } }),
      f.make("heartbeat", { uptimeSeconds: 3, phase: "standby", jobId: null }),
      f.make("interrupted", {
        kind: "spot",
        action: "terminate",
        actionAt: "2030-01-01T00:02:00Z",
      }),
      f.make("completed", { status: "timeout", exitCode: null, jobId: "9" }),
      f.make("cache_stats", { hits: 1, misses: 2, source: "runner-diag-logs" }),
    ];
    for (const e of events) expect(v.safeParse(AgentEventSchema, e).success).toBe(true);
    expect(events[0]).toMatchObject({
      id: "id-1",
      instanceId: "i-1",
      at: "2030-01-01T00:00:00.000Z",
    });
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });
});
