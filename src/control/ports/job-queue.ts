import type { JobMessage } from "../domain/job-message.ts";

/** A job message taken from the queue, to be acknowledged once its effect is durable. */
export interface ReceivedJob {
  /** The parsed body, or an error when the body did not validate (a poison message). */
  message: JobMessage | null;
  error?: string;
  /** Handle for delete / retry. */
  receipt: string;
  messageId: string;
  /** How many times SQS has handed this message out. */
  receiveCount: number;
  traceparent: string | null;
}

/** The job queue (SQS, FIFO when its name ends in `.fifo`). */
export interface JobQueue {
  /** Sends one job message; returns the queue's message id. */
  send(
    message: JobMessage,
    options?: {
      traceparent?: string | null;
      delaySeconds?: number;
      /** FIFO deduplication id; defaults to `<jobId>-<retryCount>`. */
      dedupId?: string;
    },
  ): Promise<string>;
  /** Long-polls for up to `max` (≤ 10) messages. */
  receive(options: {
    max: number;
    waitSeconds: number;
    visibilitySeconds?: number;
  }): Promise<ReceivedJob[]>;
  /** Acknowledges a message: call only after its effect is durable. */
  delete(receipt: string): Promise<void>;
  /** Hands a message back for another try after `delaySeconds`. */
  retryLater(receipt: string, delaySeconds: number): Promise<void>;
  /** Cheap round trip to prove the queue answers (readiness). */
  ping(): Promise<void>;
  /** Messages waiting to be received, as the queue estimates them (metrics). */
  approximateDepth(): Promise<number>;
}
