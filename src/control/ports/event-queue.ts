/** A message from the events queue, body unparsed (the consumer validates it). */
export interface ReceivedEvent {
  body: string;
  receipt: string;
  messageId: string;
  receiveCount: number;
  /** String message attributes (an agent event's `signature`); absent when none were sent. */
  attributes?: Readonly<Record<string, string>>;
  /** SQS's `SenderId` (`<role-id>:<session>` for role sessions); emulators leave it unset. */
  senderId?: string;
}

/** The events queue: agent events and EventBridge EC2 events. */
export interface EventQueue {
  /**
   * Sends one event body with its string attributes (local mode uses this to emulate
   * EventBridge; a DLQ redrive keeps a signed event's signature).
   */
  send(body: string, attributes?: Readonly<Record<string, string>>): Promise<void>;
  receive(options: {
    max: number;
    waitSeconds: number;
    visibilitySeconds?: number;
  }): Promise<ReceivedEvent[]>;
  /** Acknowledges a message: call only after its effect is durable. */
  delete(receipt: string): Promise<void>;
  /** Hands a message back for another try after `delaySeconds`. */
  retryLater(receipt: string, delaySeconds: number): Promise<void>;
  /** Messages waiting to be received, as the queue estimates them (metrics). */
  approximateDepth(): Promise<number>;
}
