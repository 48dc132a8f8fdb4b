import * as v from "valibot";
import { type AgentEvent, AgentEventSchema } from "../../../shared/events.ts";
import { type Ec2Event, Ec2EventSchema } from "../../domain/ec2-events.ts";
import type { EventQueue, ReceivedEvent } from "../../ports/event-queue.ts";
import { type DrainOptions, drainQueue } from "../common/drain.ts";
import { patchInstance } from "../common/instances.ts";
import { retryDelay } from "../common/retry.ts";
import { onAgentCompleted } from "./completion.ts";
import type { LifecycleDeps } from "./deps.ts";
import { onInstanceGone } from "./instance-gone.ts";
import { handleRebalance, handleSpotInterruption } from "./interruptions.ts";

/** What the consumer did with one message. */
export type EventOutcome = "applied" | "ignored" | "retry" | "invalid";

/** A parsed events-queue body: an agent event or an EventBridge EC2 event. */
export type FleetEvent =
  | { source: "agent"; event: AgentEvent }
  | { source: "ec2"; event: Ec2Event };

/** Parses an events-queue body, or says why it is not an event we know. */
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

/** Applies events to jobs and instances; every handler is idempotent. */
export function createEventsConsumer(
  deps: LifecycleDeps & {
    events: EventQueue;
    deadLetter?(body: string, error: string): Promise<void>;
  },
) {
  const { instances, logger, metrics } = deps;

  const onAgent = async (e: AgentEvent): Promise<EventOutcome> => {
    switch (e.type) {
      case "heartbeat":
        await instances.heartbeat(e.instanceId, e.at);
        return "applied";
      case "started": {
        const inst = await patchInstance(deps, e.instanceId, (i) =>
          i.state === "pending"
            ? { state: "running", startedAt: e.at, lastHeartbeatAt: e.at }
            : null,
        );
        // The agent can outrun the scheduler's record of its instance: try again shortly.
        if (!inst) return "retry";
        if (e.bootTimings)
          for (const [phase, ms] of Object.entries(e.bootTimings))
            metrics.gauge("boot_phase_ms", ms, { phase });
        return "applied";
      }
      case "interrupted":
        if (e.kind === "spot") await handleSpotInterruption(deps, e.instanceId, "agent notice");
        else await handleRebalance(deps, e.instanceId);
        return "applied";
      case "completed":
        return (await onAgentCompleted(deps, e)) ? "applied" : "retry";
      case "bootstrap_failed": {
        const lastLine = e.logTail.trim().split("\n").at(-1) ?? "";
        await patchInstance(deps, e.instanceId, (i) =>
          i.state === "terminated"
            ? null
            : { state: "terminated", reason: `bootstrap failed: ${lastLine}`.slice(0, 500) },
        );
        logger.error("instance bootstrap failed", {
          instanceId: e.instanceId,
          stage: e.stage,
          logTail: e.logTail.slice(-2000),
        });
        await deps.compute.terminate([e.instanceId]);
        await onInstanceGone(deps, e.instanceId, "terminated", e.at);
        return "applied";
      }
      case "cache_stats":
        metrics.count("cache_hits", e.hits);
        metrics.count("cache_misses", e.misses);
        if (e.bytesDownloaded) metrics.count("cache_bytes_downloaded", e.bytesDownloaded);
        return "applied";
    }
  };

  const onEc2 = async (e: Ec2Event, receiveCount: number): Promise<EventOutcome> => {
    const instanceId = e.detail["instance-id"];
    switch (e["detail-type"]) {
      case "EC2 Spot Instance Interruption Warning":
        await handleSpotInterruption(deps, instanceId, "EventBridge warning");
        return "applied";
      case "EC2 Instance Rebalance Recommendation":
        await handleRebalance(deps, instanceId);
        return "applied";
      case "EC2 Instance State-change Notification":
        return await onInstanceGone(
          deps,
          instanceId,
          e.detail.state,
          e.time ?? new Date(deps.clock.now()).toISOString(),
          receiveCount,
        );
    }
  };

  /** Handles one message; deletes it only once its effect is durable. */
  const handle = async (m: ReceivedEvent): Promise<EventOutcome> => {
    const parsed = parseFleetEvent(m.body);
    if (!parsed.ok) {
      logger.error("unknown or malformed event; sent to the DLQ", {
        messageId: m.messageId,
        error: parsed.error,
      });
      if (deps.deadLetter) {
        await deps.deadLetter(m.body, parsed.error);
        await deps.events.delete(m.receipt);
      } else {
        // No DLQ to send it to: hide it for five minutes; the queue's redrive policy moves it
        // to the DLQ after its receive limit instead of it spinning through the consumer.
        await deps.events.retryLater(m.receipt, 300);
      }
      metrics.count("events_invalid");
      return "invalid";
    }
    const outcome =
      parsed.value.source === "agent"
        ? await onAgent(parsed.value.event)
        : await onEc2(parsed.value.event, m.receiveCount);
    if (outcome === "retry" && m.receiveCount < 5) {
      // Visibility timeout as a delay: about 2 s, 4 s, 8 s… (jittered) before the next look.
      await deps.events.retryLater(m.receipt, retryDelay(null, m.receiveCount, { baseSeconds: 2 }));
      return "retry";
    }
    await deps.events.delete(m.receipt);
    return outcome === "retry" ? "ignored" : outcome;
  };

  /** Receives and applies events until the budget is spent (or the queue is empty). */
  /** Events of one instance are applied in the order received; different instances in parallel. */
  const drain = (options: DrainOptions) =>
    drainQueue({
      receive: (max, waitSeconds) =>
        deps.events.receive({ max, waitSeconds, visibilitySeconds: 60 }),
      handle,
      outcomes: ["applied", "ignored", "retry", "invalid"],
      key: (m) => {
        const parsed = parseFleetEvent(m.body);
        if (!parsed.ok) return null;
        return parsed.value.source === "agent"
          ? parsed.value.event.instanceId
          : parsed.value.event.detail["instance-id"];
      },
      clock: deps.clock,
      logger,
      what: "event handling",
      options,
      defaultConcurrency: 10,
    });

  return { handle, drain };
}
export type EventsConsumer = ReturnType<typeof createEventsConsumer>;
