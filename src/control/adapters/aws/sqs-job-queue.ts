import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import * as v from "valibot";
import {
  type JobMessage,
  JobMessageSchema,
  TRACEPARENT_ATTRIBUTE,
} from "../../domain/job-message.ts";
import type { JobQueue, ReceivedJob } from "../../ports/job-queue.ts";
import { fromAwsError } from "./aws-errors.ts";
import { sqsAcks } from "./sqs-acks.ts";

/** True for FIFO queues, whose URL ends in `.fifo`. */
export function isFifoQueue(url: string): boolean {
  return url.endsWith(".fifo");
}

/** Parses a job message body; a body that does not validate is reported, never cast. */
export function parseJobMessage(
  body: string | undefined,
): { message: JobMessage } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(body ?? "");
  } catch {
    return { error: "body is not JSON" };
  }
  const parsed = v.safeParse(JobMessageSchema, raw);
  return parsed.success ? { message: parsed.output } : { error: v.summarize(parsed.issues) };
}

/** JobQueue on SQS. FIFO queues group by job id and deduplicate on `jobId-retryCount`. */
export function createSqsJobQueue(options: { client: SQSClient; url: string }): JobQueue {
  const { client, url } = options;
  const fifo = isFifoQueue(url);
  return {
    async send(message, opts = {}) {
      const attributes = opts.traceparent
        ? { [TRACEPARENT_ATTRIBUTE]: { DataType: "String", StringValue: opts.traceparent } }
        : undefined;
      try {
        const out = await client.send(
          new SendMessageCommand({
            QueueUrl: url,
            MessageBody: JSON.stringify(message),
            MessageAttributes: attributes,
            // FIFO queues take no per-message delay; the caller's delay only applies to standard queues.
            ...(fifo
              ? {
                  MessageGroupId: message.jobId,
                  MessageDeduplicationId: opts.dedupId ?? `${message.jobId}-${message.retryCount}`,
                }
              : opts.delaySeconds
                ? { DelaySeconds: opts.delaySeconds }
                : {}),
          }),
        );
        return out.MessageId ?? "";
      } catch (err) {
        throw fromAwsError(err, `sending job ${message.jobId}`);
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
            MessageAttributeNames: ["All"],
            MessageSystemAttributeNames: ["ApproximateReceiveCount"],
          }),
        );
        return (out.Messages ?? []).map((m): ReceivedJob => {
          const parsed = parseJobMessage(m.Body);
          return {
            message: "message" in parsed ? parsed.message : null,
            ...("error" in parsed ? { error: parsed.error } : {}),
            receipt: m.ReceiptHandle ?? "",
            messageId: m.MessageId ?? "",
            receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? "1"),
            traceparent: m.MessageAttributes?.[TRACEPARENT_ATTRIBUTE]?.StringValue ?? null,
          };
        });
      } catch (err) {
        throw fromAwsError(err, "receiving job messages");
      }
    },

    ...sqsAcks(client, url, "a job message"),

    async ping() {
      try {
        await client.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
        );
      } catch (err) {
        throw fromAwsError(err, "reading the job queue's attributes");
      }
    },
  };
}
