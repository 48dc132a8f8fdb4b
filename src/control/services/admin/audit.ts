import type { Logger } from "../../../shared/logger.ts";
import { type AuditOutcome, auditId } from "../../domain/audit.ts";
import { ConflictError, FleetError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import type { AuditStore } from "../../ports/audit-store.ts";
import type { Clock } from "../../ports/clock.ts";

/** Who asked for an action, and the request it came with. */
export interface ActionContext {
  actor: string;
  requestId: string;
}

/** An admin action the caller may not take now (wrong state): answered 409, audited `refused`. */
export class ActionRefusedError extends FleetError {
  constructor(message: string) {
    super("refused", message, { retryable: false });
  }
}

/** What an action reports back for its audit record. */
export interface ActionResult<T> {
  before: unknown;
  after: unknown;
  result: T;
}

function outcomeOf(err: unknown): AuditOutcome {
  const refused =
    err instanceof ActionRefusedError ||
    err instanceof NotFoundError ||
    err instanceof ValidationError ||
    err instanceof ConflictError;
  return refused ? "refused" : "failed";
}

/**
 * Runs admin actions so each one leaves an audit record: who, when, what, on which target, the
 * state before and after, the request id and how it ended. A refused or failed action is
 * recorded too, then its error goes on to the caller.
 */
export function createAuditor(deps: {
  store: AuditStore;
  clock: Clock;
  logger: Logger;
  random?: () => number;
}) {
  const write = async (
    ctx: ActionContext,
    entry: { action: string; target: string; before: unknown; after: unknown },
    outcome: AuditOutcome,
    error: string | null,
  ) => {
    const at = deps.clock.now();
    const record = {
      id: auditId(at, deps.random),
      at: new Date(at).toISOString(),
      actor: ctx.actor,
      requestId: ctx.requestId,
      ...entry,
      outcome,
      error,
    };
    try {
      await deps.store.append(record);
    } catch (err) {
      // The action already happened: say so loudly, but do not report it as not done.
      deps.logger.error("audit record could not be written", { ...record, error: err });
    }
  };
  return {
    /** Runs `run` as `action` on `target` and records how it went. */
    async run<T>(
      ctx: ActionContext,
      action: string,
      target: string,
      run: () => Promise<ActionResult<T>>,
    ): Promise<T> {
      try {
        const out = await run();
        await write(
          ctx,
          { action, target, before: out.before, after: out.after },
          "succeeded",
          null,
        );
        return out.result;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        await write(ctx, { action, target, before: null, after: null }, outcomeOf(err), message);
        throw err;
      }
    },
  };
}
export type Auditor = ReturnType<typeof createAuditor>;
