import {
  type Attributes,
  type Context,
  context,
  type Link,
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
  links: Link[] = [],
): Promise<T> {
  return await tracer().startActiveSpan(
    name,
    { attributes, links },
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

/**
 * Runs `fn` in a span of a job's own trace: its parent is the job's stored `traceparent`, so
 * whatever acts on the job later (an event applied, a re-queue by housekeeping) lands in the one
 * trace its webhook started. The span active now (a housekeeping task's) is linked, not parent.
 * Without a valid traceparent the span is simply a child of the active one.
 */
export async function withJobSpan<T>(
  name: string,
  traceparent: string | null | undefined,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  const parent = contextFromTraceparent(traceparent);
  const jobTrace = trace.getSpanContext(parent)?.traceId;
  const here = trace.getActiveSpan()?.spanContext();
  const links =
    here && trace.isSpanContextValid(here) && here.traceId !== jobTrace ? [{ context: here }] : [];
  return await withSpan(name, attributes, fn, parent, links);
}

/** Adds attributes to the active span, if any. */
export function annotate(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}
