import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Metrics } from "../../ports/metrics.ts";

/** The services whose failed calls `APIErrors` counts. */
export type ApiService = "EC2" | "DynamoDB" | "SQS" | "SSM" | "GitHub";

type Handler = (args: unknown) => Promise<unknown>;

/** The part of an AWS SDK v3 client this needs (its middleware stack), without SDK types. */
interface ObservableClient {
  middlewareStack: { add(middleware: never, options: never): void };
}

/** What the stack's `add` takes at the `initialize` step, as this file uses it. */
type AddMiddleware = (
  middleware: (next: Handler, context: { commandName?: string }) => Handler,
  options: { step: "initialize"; name: string; override: boolean },
) => void;

/** Refusals that are the design working (a conditional write lost its race), not failures. */
const expected = new Set(["ConditionalCheckFailedException", "TransactionCanceledException"]);

/**
 * Makes every call of an SDK client a child span (`EC2 CreateFleet`, with its outcome) and counts
 * its failures in `APIErrors` by service. At the `initialize` step, so the span covers the SDK's
 * own retries and one failed call counts once, whatever the adapter does with the error.
 */
export function observeAwsClient(
  client: ObservableClient,
  service: ApiService,
  metrics: Metrics,
): void {
  const tracer = trace.getTracer("runs-fleet");
  // The stack is typed per client; this middleware is the same for all of them.
  const add = client.middlewareStack.add.bind(client.middlewareStack) as unknown as AddMiddleware;
  add(
    (next, context) => (args) => {
      const operation = context.commandName?.replace(/Command$/, "") ?? "call";
      return tracer.startActiveSpan(
        `${service} ${operation}`,
        {
          kind: SpanKind.CLIENT,
          attributes: { "rpc.system": "aws-api", "rpc.service": service, "rpc.method": operation },
        },
        async (span) => {
          try {
            const out = await next(args);
            span.setAttribute("runs_fleet.outcome", "ok");
            return out;
          } catch (err) {
            const name = (err as { name?: string } | null)?.name ?? "Error";
            span.setAttribute("runs_fleet.outcome", expected.has(name) ? "refused" : "error");
            span.setAttribute("error.type", name);
            if (!expected.has(name)) {
              span.setStatus({ code: SpanStatusCode.ERROR, message: name });
              metrics.count("APIErrors", 1, { service });
            }
            throw err;
          } finally {
            span.end();
          }
        },
      );
    },
    { step: "initialize", name: "runsFleetObserve", override: true },
  );
}
