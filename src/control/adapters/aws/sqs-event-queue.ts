import { ReceiveMessageCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { EventQueue } from "../../ports/event-queue.ts";
import { fromAwsError } from "./aws-errors.ts";
import { sqsAcks } from "./sqs-acks.ts";
import { isFifoQueue } from "./sqs-job-queue.ts";

/** The string-valued message attributes of a received message, or undefined when none. */
export function stringAttributes(
  attrs: Record<string, { StringValue?: string | undefined }> | undefined,
): Record<string, string> | undefined {
  const entries = Object.entries(attrs ?? {}).flatMap(([k, a]) =>
    a.StringValue === undefined ? [] : [[k, a.StringValue] as const],
  );
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** EventQueue on SQS (a standard queue normally; FIFO works too, grouped per body hash). */
export function createSqsEventQueue(options: { client: SQSClient; url: string }): EventQueue {
  const { client, url } = options;
  const fifo = isFifoQueue(url);
  return {
    async send(body, attributes) {
      const entries = Object.entries(attributes ?? {});
      try {
        await client.send(
          new SendMessageCommand({
            QueueUrl: url,
            MessageBody: body,
            ...(entries.length > 0
              ? {
                  MessageAttributes: Object.fromEntries(
                    entries.map(([k, value]) => [k, { DataType: "String", StringValue: value }]),
                  ),
                }
              : {}),
            ...(fifo
              ? { MessageGroupId: "events", MessageDeduplicationId: crypto.randomUUID() }
              : {}),
          }),
        );
      } catch (err) {
        throw fromAwsError(err, "sending an event");
      }
    },
    async receive(opts) {
      try {
        const out = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: Math.min(10, Math.max(1, opts.max)),
            WaitTimeSeconds: opts.waitSeconds,
            VisibilityTimeout: opts.visibilitySeconds,
            MessageSystemAttributeNames: ["ApproximateReceiveCount", "SenderId"],
            MessageAttributeNames: ["All"],
          }),
        );
        return (out.Messages ?? []).map((m) => {
          const attributes = stringAttributes(m.MessageAttributes);
          const senderId = m.Attributes?.SenderId;
          return {
            body: m.Body ?? "",
            receipt: m.ReceiptHandle ?? "",
            messageId: m.MessageId ?? "",
            receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? "1"),
            ...(attributes ? { attributes } : {}),
            ...(senderId ? { senderId } : {}),
          };
        });
      } catch (err) {
        throw fromAwsError(err, "receiving events");
      }
    },
    ...sqsAcks(client, url, "an event"),
  };
}
