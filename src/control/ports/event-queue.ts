/** A message from the events queue, body unparsed (the consumer validates it). */
export interface ReceivedEvent {
  body: string;
  receipt: string;
  messageId: string;
  receiveCount: number;
}

/** The events queue: agent events and EventBridge EC2 events. */
export interface EventQueue {
  /** Sends one event body (local mode uses this to emulate EventBridge). */
  send(body: string): Promise<void>;
  receive(options: {
    max: number;
    waitSeconds: number;
    visibilitySeconds?: number;
  }): Promise<ReceivedEvent[]>;
  /** Acknowledges a message: call only after its effect is durable. */
  delete(receipt: string): Promise<void>;
  /** Hands a message back for another try after `delaySeconds`. */
  retryLater(receipt: string, delaySeconds: number): Promise<void>;
}
