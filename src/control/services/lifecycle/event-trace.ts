import type { Instance } from "../../domain/instance.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";
import { annotate, withJobSpan } from "../common/tracing.ts";
import { type FleetEvent, instanceOf } from "./fleet-event.ts";

/** The span name of an applied event: `apply started`, `apply EC2 Spot Instance …`. */
export function eventSpanName(e: FleetEvent): string {
  return `apply ${e.source === "agent" ? e.event.type : e.event["detail-type"]}`;
}

/**
 * Applies one admitted event inside a span of its job's trace. The instance record carries the
 * job's traceparent (set when the instance was bound to the job), so an agent event needs no read
 * beyond the one its admission made (`known`); an EC2 event (a few per instance) reads it once.
 * An instance with no job, or a record without a traceparent, gets a span of its own.
 */
export async function inEventTrace<T extends string>(
  deps: { instances: Pick<InstanceStore, "get"> },
  e: FleetEvent,
  known: Instance | null,
  apply: () => Promise<T>,
): Promise<T> {
  const instanceId = instanceOf(e);
  // Finding the trace is no reason to fail an event: without it the span stands alone.
  const instance =
    known ?? (e.source === "ec2" ? await deps.instances.get(instanceId).catch(() => null) : null);
  const jobId = instance?.jobId ?? null;
  const attributes = {
    "runs_fleet.instance_id": instanceId,
    "runs_fleet.event_id": e.event.id,
    ...(jobId ? { "runs_fleet.job_id": jobId } : {}),
  };
  const traceparent = jobId ? instance?.traceparent : null;
  return await withJobSpan(eventSpanName(e), traceparent, attributes, async () => {
    const outcome = await apply();
    annotate({ "runs_fleet.outcome": outcome });
    return outcome;
  });
}
