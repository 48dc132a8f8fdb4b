import type { Logger } from "../../shared/logger.ts";
import { parseJobMessage } from "../adapters/aws/sqs-job-queue.ts";
import type { ReceivedEvent } from "../ports/event-queue.ts";
import type { ReceivedJob } from "../ports/job-queue.ts";
import type { Settle } from "../services/common/settle.ts";
import type { ControlPlane } from "./compose-types.ts";

/** An SQS record as a Lambda event source mapping delivers it. */
export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  eventSourceARN: string;
  attributes?:
    | { ApproximateReceiveCount?: string | undefined; SenderId?: string | undefined }
    | undefined;
  messageAttributes?: Record<string, { stringValue?: string | undefined }> | undefined;
}

/** What a Lambda SQS invocation answers: the records Lambda must not delete. */
export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** One queue the function consumes, and how a record from it is handled and settled. */
interface SqsRoute {
  queueUrl: string;
  handle(record: SqsRecord, receiveCount: number): Promise<Settle>;
}

/** The queue name at the end of a queue URL or ARN. */
const queueName = (urlOrArn: string) => urlOrArn.split(/[/:]/).at(-1) ?? "";

/** The queues the function consumes; the EC2 events queue only when there is one. */
export interface ConsumedQueues {
  jobQueueUrl: string;
  eventsQueueUrl: string;
  ec2EventsQueueUrl?: string | undefined;
}

/** An events record as the consumer receives it: attributes and sender kept for its checks. */
function receivedEvent(r: SqsRecord, receiveCount: number): ReceivedEvent {
  const attributes = Object.fromEntries(
    Object.entries(r.messageAttributes ?? {}).flatMap(([k, a]) =>
      a.stringValue === undefined ? [] : [[k, a.stringValue]],
    ),
  );
  const senderId = r.attributes?.SenderId;
  return {
    body: r.body,
    receipt: r.receiptHandle,
    messageId: r.messageId,
    receiveCount,
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
    ...(senderId ? { senderId } : {}),
  };
}

/** The queues the control plane consumes, each settled as its own service says. */
function routesOf(plane: ControlPlane, queues: ConsumedQueues): SqsRoute[] {
  // Which queue a record came from says whether it is an agent's or EventBridge's event.
  const ec2: SqsRoute[] = queues.ec2EventsQueueUrl
    ? [
        {
          queueUrl: queues.ec2EventsQueueUrl,
          handle: async (r, n) =>
            plane.consumer.settle(await plane.consumer.handle(receivedEvent(r, n), "ec2"), "ec2"),
        },
      ]
    : [];
  return [
    ...ec2,
    {
      queueUrl: queues.jobQueueUrl,
      async handle(r, receiveCount) {
        const parsed = parseJobMessage(r.body);
        const received: ReceivedJob = {
          message: "message" in parsed ? parsed.message : null,
          ...("error" in parsed ? { error: parsed.error } : {}),
          receipt: r.receiptHandle,
          messageId: r.messageId,
          receiveCount,
          traceparent: r.messageAttributes?.traceparent?.stringValue ?? null,
        };
        return plane.scheduler.settle(await plane.scheduler.handle(received));
      },
    },
    {
      queueUrl: queues.eventsQueueUrl,
      async handle(r, receiveCount) {
        const received = receivedEvent(r, receiveCount);
        return plane.consumer.settle(await plane.consumer.handle(received, "agent"), "agent");
      },
    },
  ];
}

/**
 * Handles a batch from an SQS event source mapping (job queue or events queue). Each record is
 * handled as the drain loops handle it, and answered as its outcome settles: `delete` is a
 * success (Lambda deletes it, if `handle` has not already); `retry` is a batch item failure, so
 * Lambda leaves the message alone and it comes back when the visibility `handle` set runs out,
 * or reaches the DLQ after the queue's receive limit. A record that threw is a failure too.
 */
export async function handleSqsBatch(
  plane: ControlPlane,
  records: readonly SqsRecord[],
  queues: ConsumedQueues,
  logger: Logger,
): Promise<SqsBatchResponse> {
  const routes = routesOf(plane, queues);
  const failures: Array<{ itemIdentifier: string }> = [];
  await Promise.all(
    records.map(async (r) => {
      const receiveCount = Number(r.attributes?.ApproximateReceiveCount ?? "1") || 1;
      try {
        const source = queueName(r.eventSourceARN);
        const route = routes.find((q) => queueName(q.queueUrl) === source);
        if (route === undefined)
          throw new Error(`record from an unknown queue ${r.eventSourceARN}`);
        if ((await route.handle(r, receiveCount)) === "retry") {
          failures.push({ itemIdentifier: r.messageId });
        }
      } catch (err) {
        logger.error("record failed; SQS will retry it", { messageId: r.messageId, error: err });
        failures.push({ itemIdentifier: r.messageId });
      }
    }),
  );
  return { batchItemFailures: failures };
}
