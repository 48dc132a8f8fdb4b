/** Our own error: what went wrong, and whether trying the same thing again can help. */
export class FleetError extends Error {
  override readonly name: string = "FleetError";
  /** A machine-readable code, stable across releases (`conflict`, `not_found`, `throttled`…). */
  readonly code: string;
  /** True when the same call may succeed later (throttling, timeouts, capacity). */
  readonly retryable: boolean;
  /** Suggested wait before a retry, when the remote side told us. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: string,
    message: string,
    options: { retryable?: boolean; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A conditional write lost a race or a transition is not allowed from the current state. */
export class ConflictError extends FleetError {
  override readonly name = "ConflictError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super("conflict", message, { retryable: false, ...options });
  }
}

/** The thing asked for does not exist. */
export class NotFoundError extends FleetError {
  override readonly name = "NotFoundError";
  constructor(message: string) {
    super("not_found", message, { retryable: false });
  }
}

/** Input failed validation; `issues` lists every problem, not only the first. */
export class ValidationError extends FleetError {
  override readonly name = "ValidationError";
  readonly issues: readonly string[];
  constructor(message: string, issues: readonly string[] = []) {
    super("invalid", issues.length > 0 ? `${message}: ${issues.join("; ")}` : message, {
      retryable: false,
    });
    this.issues = issues;
  }
}

/** True when `err` says trying again may help; unknown errors are treated as retryable. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof FleetError) return err.retryable;
  return true;
}
