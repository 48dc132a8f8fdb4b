import * as v from "valibot";

const common = {
  id: v.string(),
  source: v.literal("aws.ec2"),
  time: v.optional(v.string()),
  region: v.optional(v.string()),
};

/** EventBridge: EC2 will reclaim a spot instance in two minutes. */
export const SpotInterruptionSchema = v.object({
  ...common,
  "detail-type": v.literal("EC2 Spot Instance Interruption Warning"),
  detail: v.object({ "instance-id": v.string(), "instance-action": v.optional(v.string()) }),
});

/** EventBridge: a spot instance is at elevated risk of interruption. */
export const RebalanceSchema = v.object({
  ...common,
  "detail-type": v.literal("EC2 Instance Rebalance Recommendation"),
  detail: v.object({ "instance-id": v.string() }),
});

/** EventBridge: an instance changed state (`pending`, `running`, `stopped`, `terminated`, …). */
export const StateChangeSchema = v.object({
  ...common,
  "detail-type": v.literal("EC2 Instance State-change Notification"),
  detail: v.object({ "instance-id": v.string(), state: v.string() }),
});

/** Any EC2 event we act on. */
export const Ec2EventSchema = v.variant("detail-type", [
  SpotInterruptionSchema,
  RebalanceSchema,
  StateChangeSchema,
]);
export type Ec2Event = v.InferOutput<typeof Ec2EventSchema>;

/** An EC2 state-change event as EventBridge would deliver it (local mode emulates them). */
export function stateChangeEvent(
  instanceId: string,
  state: string,
  at: number,
  region = "us-east-1",
): Ec2Event {
  return {
    id: `state-${instanceId}-${state}-${at}`,
    source: "aws.ec2",
    "detail-type": "EC2 Instance State-change Notification",
    time: new Date(at).toISOString(),
    region,
    detail: { "instance-id": instanceId, state },
  };
}
