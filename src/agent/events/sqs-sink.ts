import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { AgentEvent } from "../../shared/events.ts";

/** Where events go; reports the ids the queue did not accept. */
export interface EventSink {
  sendBatch(events: readonly AgentEvent[]): Promise<{ failedIds: string[] }>;
}

/** Sends events to the SQS events queue (FIFO aware: grouped by instance, deduplicated by id). */
export function createSqsEventSink(options: { client: SQSClient; queueUrl: string }): EventSink {
  const fifo = options.queueUrl.endsWith(".fifo");
  return {
    sendBatch: async (events) => {
      if (events.length === 0) return { failedIds: [] };
      const out = await options.client.send(
        new SendMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: events.map((e, i) => ({
            Id: String(i),
            MessageBody: JSON.stringify(e),
            MessageAttributes: { type: { DataType: "String", StringValue: e.type } },
            ...(fifo ? { MessageGroupId: e.instanceId, MessageDeduplicationId: e.id } : {}),
          })),
        }),
      );
      const failedIds = (out.Failed ?? []).flatMap((f) => {
        const event = events[Number(f.Id)];
        return event ? [event.id] : [];
      });
      return { failedIds };
    },
  };
}
