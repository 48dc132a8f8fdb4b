import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";

/**
 * Turns tracing on when an OTLP endpoint is configured (OTLP/HTTP, `/v1/traces` appended);
 * otherwise the OpenTelemetry API stays a no-op. Returns a function that flushes and stops.
 */
export function setupTracing(options: {
  endpoint: string | undefined;
  serviceName: string;
  version: string;
}): () => Promise<void> {
  if (!options.endpoint) return async () => {};
  const url = `${options.endpoint.replace(/\/+$/, "")}/v1/traces`;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      "service.name": options.serviceName,
      "service.version": options.version,
    }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 500 }),
    ],
  });
  const manager = new AsyncLocalStorageContextManager();
  manager.enable();
  context.setGlobalContextManager(manager);
  trace.setGlobalTracerProvider(provider);
  return async () => {
    await provider.forceFlush();
    await provider.shutdown();
    trace.disable();
    context.disable();
  };
}
