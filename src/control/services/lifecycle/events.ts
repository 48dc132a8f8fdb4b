import type { AgentEvent } from "../../../shared/events.ts";
import type { Ec2Event } from "../../domain/ec2-events.ts";
import type { EventQueue, ReceivedEvent } from "../../ports/event-queue.ts";
import { type DrainOptions, drainQueue } from "../common/drain.ts";
import { patchInstance } from "../common/instances.ts";
import { retryDelay } from "../common/retry.ts";
import type { Settle } from "../common/settle.ts";
import { onAgentCompleted } from "./completion.ts";
import type { LifecycleDeps } from "./deps.ts";
import { admitEvent, clampToReceiveTime, type SignatureCheck } from "./event-auth.ts";
import { inEventTrace } from "./event-trace.ts";
import { type EventSource, instanceOf, parseFleetEvent } from "./fleet-event.ts";
import { onInstanceGone } from "./instance-gone.ts";
import { handleRebalance, handleSpotInterruption } from "./interruptions.ts";

export { type EventSource, type FleetEvent, parseFleetEvent } from "./fleet-event.ts";

/** What the consumer did with one message. */
export type EventOutcome = "applied" | "ignored" | "retry" | "invalid" | "rejected";

const outcomes: readonly EventOutcome[] = ["applied", "ignored", "retry", "invalid", "rejected"];

/** Applies events to jobs and instances; every handler is idempotent. */
export function createEventsConsumer(
  deps: LifecycleDeps & {
    /** The agents' queue: signed agent events. */
    events: EventQueue;
    /** The EC2 events queue, which only EventBridge can send to; unset, none are taken. */
    ec2Events?: EventQueue;
    /** Where an unreadable agents'-queue message goes (the EC2 queue's own DLQ takes its own). */
    deadLetter?(body: string, error: string): Promise<void>;
    /** The agent-event signature check (default: the shared Web Crypto one). */
    verifySignature?: SignatureCheck;
  },
) {
  const { instances, logger, metrics } = deps;
  const queueOf = (from: EventSource): EventQueue => {
    if (from === "agent") return deps.events;
    if (!deps.ec2Events) throw new Error("an EC2 event arrived but no EC2 events queue is set");
    return deps.ec2Events;
  };

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
        if (e.hits + e.misses > 0)
          metrics.gauge("CacheHitRate", (100 * e.hits) / (e.hits + e.misses));
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

  /**
   * How each outcome settles its message; `handle` acts on it and the Lambda handler reports it,
   * so the two cannot disagree. An invalid event copied to the DLQ is done with; without a DLQ
   * to copy it to it stays, for the queue's redrive policy to move after its receive limit.
   */
  const settle = (outcome: EventOutcome, from: EventSource = "agent"): Settle =>
    outcome === "retry" || (outcome === "invalid" && !(from === "agent" && deps.deadLetter))
      ? "retry"
      : "delete";

  /** Deletes the message, or sets when it comes back, as `settle` says for its outcome. */
  const finish = async (
    m: ReceivedEvent,
    from: EventSource,
    outcome: EventOutcome,
    delaySeconds: number,
  ) => {
    const queue = queueOf(from);
    if (settle(outcome, from) === "delete") await queue.delete(m.receipt);
    else await queue.retryLater(m.receipt, delaySeconds);
    return outcome;
  };

  /**
   * Refuses a message for good: logged with why, counted, deleted (trying again cannot make a
   * forged or misrouted event genuine), never applied.
   */
  const reject = async (
    m: ReceivedEvent,
    from: EventSource,
    claimed: string,
    why: { reason: string; detail: string },
  ) => {
    logger.warn("event rejected", {
      messageId: m.messageId,
      queue: from,
      instanceId: claimed,
      ...why,
      ...(m.senderId ? { senderId: m.senderId } : {}),
    });
    metrics.count("events_rejected", 1, { reason: why.reason });
    return await finish(m, from, "rejected", 0);
  };

  /**
   * Handles one message of the queue `from`; deletes it only once its effect is durable. Only
   * an event admitted for that queue (an agent's: signed by the instance it names) is applied.
   */
  const handle = async (m: ReceivedEvent, from: EventSource = "agent"): Promise<EventOutcome> => {
    const parsed = parseFleetEvent(m.body);
    if (!parsed.ok) {
      logger.error("unknown or malformed event; sent to the DLQ", {
        messageId: m.messageId,
        queue: from,
        error: parsed.error,
      });
      if (from === "agent" && deps.deadLetter) await deps.deadLetter(m.body, parsed.error);
      metrics.count("events_invalid");
      // Without a DLQ, hidden five minutes at a time rather than spinning through the consumer.
      return await finish(m, from, "invalid", 300);
    }
    const admitted = await admitEvent(deps, m, parsed.value, from);
    if (!admitted.ok) return await reject(m, from, instanceOf(parsed.value), admitted);
    const event = parsed.value;
    // In the job's trace, the acknowledgement included: one span per event applied.
    return await inEventTrace(deps, event, admitted.instance, async () => {
      const outcome =
        event.source === "agent"
          ? await onAgent(clampToReceiveTime(event.event, deps.clock.now()))
          : await onEc2(event.event, m.receiveCount);
      // Past the fifth receive a retry is given up (housekeeping is the backstop) and goes.
      const final = outcome === "retry" && m.receiveCount >= 5 ? "ignored" : outcome;
      // Visibility timeout as a delay: about 2 s, 4 s, 8 s… (jittered) before the next look.
      return await finish(m, from, final, retryDelay(null, m.receiveCount, { baseSeconds: 2 }));
    });
  };

  /** Receives and applies one queue's events until the budget is spent (or it is empty). */
  /** Events of one instance are applied in the order received; different instances in parallel. */
  const drainOne = (from: EventSource, options: DrainOptions) =>
    drainQueue({
      receive: (max, waitSeconds) =>
        queueOf(from).receive({ max, waitSeconds, visibilitySeconds: 60 }),
      handle: (m) => handle(m, from),
      outcomes,
      key: (m) => {
        const parsed = parseFleetEvent(m.body);
        return parsed.ok ? instanceOf(parsed.value) : null;
      },
      clock: deps.clock,
      logger,
      what: "event handling",
      options,
      defaultConcurrency: 10,
    });

  /** Drains the agents' queue and the EC2 events queue side by side; the counts are summed. */
  const drain = async (options: DrainOptions) => {
    const [agents, ec2] = await Promise.all([
      drainOne("agent", options),
      deps.ec2Events ? drainOne("ec2", options) : undefined,
    ]);
    if (!ec2) return agents;
    const total = { ...agents };
    for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += ec2[k];
    return total;
  };

  return { handle, settle, drain };
}
export type EventsConsumer = ReturnType<typeof createEventsConsumer>;
