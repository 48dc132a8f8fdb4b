/**
 * What becomes of a handled queue message: `delete` (its effect is durable, or it needs none),
 * or `retry` (left on the queue, its visibility already set to when it should come back, or to
 * reach the DLQ through the redrive policy). A Lambda event source mapping is told `retry` as a
 * batch item failure, so it does not delete the message either.
 */
export type Settle = "delete" | "retry";
