import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { EVENT_SIGNATURE_ATTRIBUTE } from "../../shared/event-signature.ts";
import type { AgentEvent } from "../../shared/events.ts";
import type { EventSigner } from "./sign.ts";

/** Where events go; reports the ids the queue did not accept. */
export interface EventSink {
  sendBatch(events: readonly AgentEvent[]): Promise<{ failedIds: string[] }>;
}

/**
 * Sends events to the SQS events queue (FIFO aware: grouped by instance, deduplicated by id),
 * each body signed with the instance's event key when `signer` knows it. Signed at send time,
 * not when spooled, so events spooled before the runner config arrived go out signed too.
 */
export function createSqsEventSink(options: {
  client: SQSClient;
  queueUrl: string;
  signer?: Pick<EventSigner, "sign">;
}): EventSink {
  const fifo = options.queueUrl.endsWith(".fifo");
  return {
    sendBatch: async (events) => {
      if (events.length === 0) return { failedIds: [] };
      const entries = await Promise.all(
        events.map(async (e, i) => {
          const body = JSON.stringify(e);
          const signature = await options.signer?.sign(body);
          return {
            Id: String(i),
            MessageBody: body,
            MessageAttributes: {
              type: { DataType: "String", StringValue: e.type },
              ...(signature
                ? { [EVENT_SIGNATURE_ATTRIBUTE]: { DataType: "String", StringValue: signature } }
                : {}),
            },
            ...(fifo ? { MessageGroupId: e.instanceId, MessageDeduplicationId: e.id } : {}),
          };
        }),
      );
      const out = await options.client.send(
        new SendMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: entries }),
      );
      const failedIds = (out.Failed ?? []).flatMap((f) => {
        const event = events[Number(f.Id)];
        return event ? [event.id] : [];
      });
      return { failedIds };
    },
  };
}
