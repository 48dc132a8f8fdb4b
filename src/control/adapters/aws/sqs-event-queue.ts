import { ReceiveMessageCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { EventQueue } from "../../ports/event-queue.ts";
import { fromAwsError } from "./aws-errors.ts";
import { sqsAcks } from "./sqs-acks.ts";
import { isFifoQueue } from "./sqs-job-queue.ts";

/** EventQueue on SQS (a standard queue normally; FIFO works too, grouped per body hash). */
export function createSqsEventQueue(options: { client: SQSClient; url: string }): EventQueue {
  const { client, url } = options;
  const fifo = isFifoQueue(url);
  return {
    async send(body) {
      try {
        await client.send(
          new SendMessageCommand({
            QueueUrl: url,
            MessageBody: body,
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
            MessageSystemAttributeNames: ["ApproximateReceiveCount"],
          }),
        );
        return (out.Messages ?? []).map((m) => ({
          body: m.Body ?? "",
          receipt: m.ReceiptHandle ?? "",
          messageId: m.MessageId ?? "",
          receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? "1"),
        }));
      } catch (err) {
        throw fromAwsError(err, "receiving events");
      }
    },
    ...sqsAcks(client, url, "an event"),
  };
}
