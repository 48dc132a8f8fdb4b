import type { Logger } from "../../shared/logger.ts";
import { parseJobMessage } from "../adapters/aws/sqs-job-queue.ts";
import type { ReceivedEvent } from "../ports/event-queue.ts";
import type { ReceivedJob } from "../ports/job-queue.ts";
import type { ControlPlane } from "./compose.ts";

/**
 * One scheduled tick for runtimes without long-running loops (Deno.cron, a scheduled Lambda):
 * drain the job queue and the events queue, then housekeeping, all within `budgetMs`.
 */
export async function scheduledTick(plane: ControlPlane, budgetMs: number, logger: Logger) {
  const share = Math.max(1_000, Math.floor(budgetMs / 3));
  const [jobs, events] = await Promise.all([
    plane.scheduler.drain({ budgetMs: share, waitSeconds: 1 }),
    plane.consumer.drain({ budgetMs: share, waitSeconds: 1 }),
  ]);
  const housekeeping = await plane.housekeeping.runAll({ budgetMs: share });
  logger.info("scheduled tick", { jobs, events });
  return { jobs, events, housekeeping };
}

/** An SQS record as a Lambda event source mapping delivers it. */
export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  eventSourceARN: string;
  attributes?: { ApproximateReceiveCount?: string | undefined } | undefined;
  messageAttributes?: Record<string, { stringValue?: string | undefined }> | undefined;
}

/** The queue name at the end of a queue URL or ARN. */
const queueName = (urlOrArn: string) => urlOrArn.split(/[/:]/).at(-1) ?? "";

/**
 * Handles a batch from an SQS event source mapping (job queue or events queue). Each record is
 * handled as the loops would (deleted once durable); records that threw are reported back as
 * `batchItemFailures` so only they are retried.
 */
export async function handleSqsBatch(
  plane: ControlPlane,
  records: readonly SqsRecord[],
  queues: { jobQueueUrl: string; eventsQueueUrl: string },
  logger: Logger,
): Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }> {
  const failures: Array<{ itemIdentifier: string }> = [];
  await Promise.all(
    records.map(async (r) => {
      const receiveCount = Number(r.attributes?.ApproximateReceiveCount ?? "1");
      try {
        const source = queueName(r.eventSourceARN);
        if (source === queueName(queues.jobQueueUrl)) {
          const parsed = parseJobMessage(r.body);
          const received: ReceivedJob = {
            message: "message" in parsed ? parsed.message : null,
            ...("error" in parsed ? { error: parsed.error } : {}),
            receipt: r.receiptHandle,
            messageId: r.messageId,
            receiveCount,
            traceparent: r.messageAttributes?.traceparent?.stringValue ?? null,
          };
          await plane.scheduler.handle(received);
        } else if (source === queueName(queues.eventsQueueUrl)) {
          const received: ReceivedEvent = {
            body: r.body,
            receipt: r.receiptHandle,
            messageId: r.messageId,
            receiveCount,
          };
          await plane.consumer.handle(received);
        } else {
          throw new Error(`record from an unknown queue ${r.eventSourceARN}`);
        }
      } catch (err) {
        logger.error("record failed; SQS will retry it", { messageId: r.messageId, error: err });
        failures.push({ itemIdentifier: r.messageId });
      }
    }),
  );
  return { batchItemFailures: failures };
}
