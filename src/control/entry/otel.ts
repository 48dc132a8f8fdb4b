import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";

/**
 * Turns tracing on when an OTLP endpoint is configured (OTLP/HTTP, `/v1/traces` appended);
 * otherwise the OpenTelemetry API stays a no-op. Returns a function that flushes and stops, with
 * `flush` to export what is pending without stopping (before a Lambda invocation or a Deno tick
 * returns: the runtime may freeze the process right after).
 */
export function setupTracing(options: {
  endpoint: string | undefined;
  serviceName: string;
  version: string;
}): (() => Promise<void>) & { flush(): Promise<void> } {
  if (!options.endpoint) return Object.assign(async () => {}, { flush: async () => {} });
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
  const stop = async () => {
    await provider.forceFlush();
    await provider.shutdown();
    trace.disable();
    context.disable();
  };
  return Object.assign(stop, { flush: () => provider.forceFlush() });
}
