import { createServer } from "node:http";

/** A span as OTLP/HTTP JSON carries it (ids in hex), the fields these suites read. */
export interface OtlpSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes?: Array<{ key: string; value: { stringValue?: string } }>;
  links?: Array<{ traceId: string; spanId: string }>;
}

/** A minimal OTLP/HTTP receiver: keeps the spans posted to /v1/traces. */
export async function startReceiver() {
  const spans: OtlpSpan[] = [];
  const server = createServer((req, res) => {
    let data = "";
    req.on("data", (d) => {
      data += d;
    });
    req.on("end", () => {
      if (req.url === "/v1/traces") {
        const body = JSON.parse(data) as {
          resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
        };
        for (const rs of body.resourceSpans)
          for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A span's string attributes as a plain object. */
export function attributesOf(span: OtlpSpan | undefined): Record<string, string | undefined> {
  return Object.fromEntries((span?.attributes ?? []).map((a) => [a.key, a.value.stringValue]));
}

/**
 * The spans of one trace as a tree of names: each span's children's names, sorted, under its
 * own name (a name used twice gets its children merged), for assertions on structure only.
 */
export function childrenByName(spans: OtlpSpan[]): Map<string, string[]> {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const out = new Map<string, string[]>();
  for (const s of spans) {
    const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
    const key = parent ? parent.name : "(root)";
    out.set(key, [...(out.get(key) ?? []), s.name].sort());
  }
  return out;
}
