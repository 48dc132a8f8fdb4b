import { FleetError, NotFoundError } from "../../domain/errors.ts";

/** EC2 codes meaning "no capacity for this market, type or zone right now". */
const capacityCodes = new Set([
  "InsufficientInstanceCapacity",
  "InsufficientCapacity",
  "InsufficientHostCapacity",
  "InsufficientReservedInstanceCapacity",
  "InsufficientCapacityOnHost",
  "MaxSpotInstanceCountExceeded",
  "UnfulfillableCapacity",
  "SpotMaxPriceTooLow",
  "InsufficientFreeAddressesInSubnet",
]);

/** Account limits: waiting (or a quota increase) helps, another market may not. */
const quotaCodes = new Set([
  "VcpuLimitExceeded",
  "InstanceLimitExceeded",
  "MaxFleetCountExceeded",
  "MaxSpotFleetRequestCountExceeded",
]);

const throttleCodes = new Set([
  "RequestLimitExceeded",
  "Throttling",
  "ThrottlingException",
  "RequestThrottled",
  "TooManyRequestsException",
]);

/** True for an EC2 error code that means "no capacity" (spot falls back to on-demand on it). */
export function isCapacityCode(code: string): boolean {
  return capacityCodes.has(code);
}

/**
 * Our error for an EC2 error code and message (thrown, or listed in a CreateFleet answer). The
 * SDK error is not kept as `cause`, as in aws-errors.ts: code and message are all we act on.
 */
export function ec2CodeError(code: string, message: string): FleetError {
  const text = `EC2 ${code}: ${message}`;
  if (capacityCodes.has(code)) return new FleetError("capacity", text, { retryable: true });
  if (quotaCodes.has(code)) return new FleetError("quota", text, { retryable: true });
  if (throttleCodes.has(code)) return new FleetError("throttled", text, { retryable: true });
  if (code.endsWith(".NotFound")) return new NotFoundError(text);
  if (code === "IncorrectInstanceState" || code === "IncorrectState") {
    return new FleetError("incorrect_state", text, { retryable: false });
  }
  if (code === "InternalError" || code === "ServiceUnavailable" || code === "Unavailable") {
    return new FleetError("aws_unavailable", text, { retryable: true });
  }
  return new FleetError("ec2_rejected", text, { retryable: false });
}

/** Translates whatever an EC2 SDK call threw into our FleetError. */
export function ec2Error(err: unknown): FleetError {
  if (err instanceof FleetError) return err;
  if (!(err instanceof Error))
    return new FleetError("aws_unavailable", String(err), { retryable: true });
  const meta = (err as { $metadata?: { httpStatusCode?: number } }).$metadata;
  const status = meta?.httpStatusCode;
  if (status === undefined) {
    // No HTTP answer at all: a network fault or a timeout, worth another try.
    return new FleetError("aws_unreachable", `EC2 unreachable: ${err.message}`, {
      retryable: true,
    });
  }
  const translated = ec2CodeError(err.name, err.message);
  if ((status >= 500 || status === 429) && !translated.retryable) {
    return new FleetError("aws_unavailable", `EC2 ${status}: ${err.message}`, { retryable: true });
  }
  return translated;
}
