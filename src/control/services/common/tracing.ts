import {
  type Attributes,
  type Context,
  context,
  SpanStatusCode,
  TraceFlags,
  trace,
} from "@opentelemetry/api";

const tracer = () => trace.getTracer("runs-fleet");
const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The W3C `traceparent` of the active span, or null when tracing is off. */
export function currentTraceparent(): string | null {
  const span = trace.getActiveSpan();
  const sc = span?.spanContext();
  if (!sc || !trace.isSpanContextValid(sc)) return null;
  return `00-${sc.traceId}-${sc.spanId}-0${(sc.traceFlags & TraceFlags.SAMPLED).toString(16)}`;
}

/** A context whose parent is the remote span named by `traceparent` (ignored when malformed). */
export function contextFromTraceparent(
  traceparent: string | null | undefined,
  base: Context = context.active(),
): Context {
  const m = traceparent ? traceparentPattern.exec(traceparent) : null;
  if (!m) return base;
  return trace.setSpanContext(base, {
    traceId: m[1] as string,
    spanId: m[2] as string,
    traceFlags: Number.parseInt(m[3] as string, 16),
    isRemote: true,
  });
}

/** Runs `fn` inside a span; records an exception and an error status when it throws. */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
  parent?: Context,
): Promise<T> {
  return await tracer().startActiveSpan(
    name,
    { attributes },
    parent ?? context.active(),
    async (span) => {
      try {
        return await fn();
      } catch (err) {
        span.recordException(err instanceof Error ? err : String(err));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: err instanceof Error ? err.message : String(err),
        });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** Adds attributes to the active span, if any. */
export function annotate(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}
