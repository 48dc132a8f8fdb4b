import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { fromAwsError } from "./aws-errors.ts";

/** Acknowledge, hand-back and depth, the same for every queue; `noun` names the message in errors. */
export function sqsAcks(client: SQSClient, url: string, noun: string) {
  return {
    async delete(receipt: string): Promise<void> {
      try {
        await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: receipt }));
      } catch (err) {
        throw fromAwsError(err, `deleting ${noun}`);
      }
    },
    async retryLater(receipt: string, delaySeconds: number): Promise<void> {
      try {
        await client.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: url,
            ReceiptHandle: receipt,
            VisibilityTimeout: delaySeconds,
          }),
        );
      } catch (err) {
        throw fromAwsError(err, `returning ${noun} to the queue`);
      }
    },
    async approximateDepth(): Promise<number> {
      try {
        const out = await client.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ["ApproximateNumberOfMessages"],
          }),
        );
        return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
      } catch (err) {
        throw fromAwsError(err, "reading a queue's depth");
      }
    },
  };
}
