/** Structured fields attached to a log line: ids that matter (jobId, instanceId, traceId…). */
export type LogFields = Record<string, unknown>;

/** A structured logger; one JSON object per line in production. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export type LogLevel = "debug" | "info" | "warn" | "error";
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys whose values never reach a log line. */
const secretKey =
  /secret|token|password|private.?key|jit.?config|authorization|credential|event.?key/i;

/** Replaces secret-looking values with "[redacted]", recursively. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    return {
      name: value.name,
      message: value.message,
      ...("code" in value ? { code: value.code } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      secretKey.test(k) && v !== null && v !== undefined ? "[redacted]" : redact(v, depth + 1);
  }
  return out;
}

/** A JSON-lines logger writing through `write` (console in production, an array in tests). */
export function createJsonLogger(
  options: {
    level?: LogLevel;
    write?: (line: string) => void;
    base?: LogFields;
    clock?: () => number;
  } = {},
): Logger {
  const min = order[options.level ?? "info"];
  const write = options.write ?? ((line: string) => console.error(line));
  const now = options.clock ?? (() => Date.now());
  const make = (base: LogFields): Logger => {
    const emit = (level: LogLevel, message: string, fields?: LogFields) => {
      if (order[level] < min) return;
      const record = {
        time: new Date(now()).toISOString(),
        level,
        msg: message,
        ...base,
        ...fields,
      };
      write(JSON.stringify(redact(record)));
    };
    return {
      debug: (m, f) => emit("debug", m, f),
      info: (m, f) => emit("info", m, f),
      warn: (m, f) => emit("warn", m, f),
      error: (m, f) => emit("error", m, f),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.base ?? {});
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
