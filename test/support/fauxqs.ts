import { startFauxqs } from "fauxqs";

export interface Sqs {
  endpoint: string;
  /** Creates a queue and returns its URL. */
  createQueue(name: string, attributes?: Record<string, string>): string;
  stop(): Promise<void>;
}

/** Starts fauxqs (SQS/SNS/S3) in-process on a free loopback port. */
export async function startSqs(): Promise<Sqs> {
  const server = await startFauxqs({ port: 0, logger: false });
  return {
    endpoint: server.address,
    createQueue: (name, attributes) => {
      const fifo = name.endsWith(".fifo") ? { FifoQueue: "true" } : {};
      return server.createQueue(name, { attributes: { ...fifo, ...attributes } }).queueUrl;
    },
    stop: () => server.stop(),
  };
}
