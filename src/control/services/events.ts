import * as v from "valibot";
import { type AgentEvent, AgentEventSchema } from "../../shared/events.ts";
import { type Ec2Event, Ec2EventSchema } from "../domain/ec2-events.ts";
import { ConflictError } from "../domain/errors.ts";
import type { Instance, InstancePatch } from "../domain/instance.ts";
import type { EventQueue, ReceivedEvent } from "../ports/event-queue.ts";
import { onAgentCompleted } from "./completion.ts";
import { type DrainOptions, drainQueue } from "./drain.ts";
import { activeJobOf, handleRebalance, handleSpotInterruption } from "./interruptions.ts";
import type { LifecycleDeps } from "./lifecycle-deps.ts";
import { requeueJob } from "./requeue.ts";

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

  /** Version-checked instance update that re-reads on a lost race; null when unknown. */
  const patchInstance = async (
    instanceId: string,
    decide: (i: Instance) => InstancePatch | null,
  ): Promise<Instance | null> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await instances.get(instanceId);
      if (!current) return null;
      const patch = decide(current);
      if (!patch) return current;
      try {
        return await instances.update(instanceId, current.version, patch);
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    throw new ConflictError(`instance ${instanceId} kept changing`);
  };

  const onInstanceGone = async (
    instanceId: string,
    state: string,
    at: string,
    receiveCount = Number.POSITIVE_INFINITY,
  ): Promise<EventOutcome> => {
    if (state === "stopped" || state === "stopping") {
      await patchInstance(instanceId, (i) =>
        i.state === "stopped" || i.state === "terminated" ? null : { state: "stopped" },
      );
      return "applied";
    }
    if (state !== "terminated" && state !== "shutting-down") return "ignored";
    const pending = await activeJobOf(deps, instanceId);
    if (pending?.status === "launched" && receiveCount < 5) {
      // The agent may have run and finished the job; its `completed` event can arrive after
      // this one (queues do not keep order). Wait for it before deciding the job was lost.
      return "retry";
    }
    const inst = await patchInstance(instanceId, (i) =>
      i.state === "terminated" ? null : { state: "terminated", terminatedAt: at },
    );
    if (!inst) return "ignored";
    await deps.runnerConfigs.delete(instanceId);
    const job = await activeJobOf(deps, instanceId);
    if (job?.status === "launched") {
      // The instance died before its job started: give the job to a new instance.
      await requeueJob(deps, job, {
        reason: `instance ${instanceId} ended before the job started`,
      }).catch((err) => {
        if (!(err instanceof ConflictError)) throw err;
      });
      // Its runner was registered but will never come online: take it off GitHub's list.
      if (job.runnerName) {
        await deps.github
          .removeRunner({
            repo: job.repo,
            runnerName: job.runnerName,
            ...(job.installationId ? { installationId: job.installationId } : {}),
          })
          .catch((err) =>
            logger.warn("could not remove a runner that never came online", {
              jobId: job.jobId,
              error: err,
            }),
          );
      }
    } else if (job?.status === "running") {
      await deps.jobs
        .transition(job.jobId, {
          from: "running",
          to: "orphaned",
          expectedVersion: job.version,
          patch: { reason: `instance ${instanceId} ended while the job ran` },
        })
        .catch((err) => {
          if (!(err instanceof ConflictError)) throw err;
        });
    }
    return "applied";
  };

  const onAgent = async (e: AgentEvent): Promise<EventOutcome> => {
    switch (e.type) {
      case "heartbeat":
        await instances.heartbeat(e.instanceId, e.at);
        return "applied";
      case "started": {
        const inst = await patchInstance(e.instanceId, (i) =>
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
        return (await onAgentCompleted(deps, e, patchInstance)) ? "applied" : "retry";
      case "bootstrap_failed": {
        const lastLine = e.logTail.trim().split("\n").at(-1) ?? "";
        await patchInstance(e.instanceId, (i) =>
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
        await onInstanceGone(e.instanceId, "terminated", e.at);
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
      // Visibility timeout as a delay: 2 s, 4 s, 6 s… before the next look.
      await deps.events.retryLater(m.receipt, 2 * m.receiveCount);
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
