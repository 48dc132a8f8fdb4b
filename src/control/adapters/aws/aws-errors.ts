import { FleetError } from "../../domain/errors.ts";

const retryableNames = new Set([
  "ThrottlingException",
  "Throttling",
  "RequestLimitExceeded",
  "ProvisionedThroughputExceededException",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "InternalServerError",
  "InternalFailure",
  "InternalError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "LimitExceededException",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "TransactionInProgressException",
  "KMSThrottlingException",
]);

const networkCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** Shape of an AWS SDK v3 service exception, read without importing SDK types. */
interface AwsLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** Translates an AWS SDK error into a FleetError that says whether a retry can help. */
export function fromAwsError(err: unknown, what: string): FleetError {
  if (err instanceof FleetError) return err;
  const e = (typeof err === "object" && err !== null ? err : {}) as AwsLike;
  const name = e.name ?? "Error";
  const status = e.$metadata?.httpStatusCode;
  const retryable =
    retryableNames.has(name) ||
    e.$retryable !== undefined ||
    (status !== undefined && (status >= 500 || status === 429)) ||
    (e.code !== undefined && networkCodes.has(e.code));
  // The SDK error is not kept as `cause`: it drags the raw HTTP response into every log and
  // report, and its name, status and message are all we act on.
  return new FleetError(`aws.${name}`, `${what} failed: ${name}: ${e.message ?? String(err)}`, {
    retryable,
  });
}

/** True when `err` is DynamoDB's "the condition did not hold" answer. */
export function isConditionalCheckFailed(err: unknown): boolean {
  return (
    typeof err === "object" &&
    err !== null &&
    (err as AwsLike).name === "ConditionalCheckFailedException"
  );
}
