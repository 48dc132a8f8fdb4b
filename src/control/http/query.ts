import { HTTPException } from "hono/http-exception";
import * as v from "valibot";

/** `input` read by `schema`, or a 400 naming `what` and everything wrong with it. */
export function parseOr400<T extends v.GenericSchema>(
  schema: T,
  input: unknown,
  what: string,
): v.InferOutput<T> {
  const parsed = v.safeParse(schema, input);
  if (!parsed.success)
    throw new HTTPException(400, { message: `${what} ${v.summarize(parsed.issues)}` });
  return parsed.output;
}

/** The `limit` (1–`max`, default 100) and opaque `cursor` of a paged listing's query string. */
export function pageQuery(max: number) {
  return {
    limit: v.optional(
      v.pipe(
        v.string(),
        v.regex(/^\d+$/, "must be a whole number"),
        v.transform(Number),
        v.minValue(1),
        v.maxValue(max),
      ),
      "100",
    ),
    cursor: v.optional(v.pipe(v.string(), v.maxLength(2048))),
  };
}

/** An instance id in a path: EC2's, or a local-mode process's. */
export const InstanceIdParam = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, "is not an instance id"),
);
