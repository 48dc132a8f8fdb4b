import * as v from "valibot";

/** Environment variables are text; the config schema reads them into typed settings. */
export type Env = Record<string, string | undefined>;

const csv = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

/** A TCP port number. */
export const Port = v.pipe(
  v.string(),
  v.regex(/^\d{1,5}$/, "must be a port number"),
  v.transform(Number),
  v.maxValue(65535),
);

/** A non-negative number (of seconds, or of milliseconds where the name says so). */
export const Seconds = v.pipe(
  v.string(),
  v.regex(/^\d+(\.\d+)?$/, "must be a number of seconds"),
  v.transform(Number),
);

/** A whole number above zero. */
export const Count = v.pipe(
  v.string(),
  v.regex(/^[1-9]\d*$/, "must be a whole number above 0"),
  v.transform(Number),
);

/** A whole number from `min` to `max` of `unit`s, with one message for every way it is wrong. */
export function WholeBetween(min: number, max: number, unit: string) {
  const message = `must be a whole number of ${unit}, ${min}–${max}`;
  return v.pipe(
    v.string(),
    v.regex(/^\d+$/, message),
    v.transform(Number),
    v.minValue(min, message),
    v.maxValue(max, message),
  );
}

/** An AWS region name. */
export const Region = v.pipe(
  v.string(),
  v.regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region like us-east-1"),
);

/** A comma-separated list of regions. */
export const Regions = v.pipe(v.string(), v.transform(csv), v.array(Region));

/** A comma-separated list of environment names. */
export const Environments = v.pipe(
  v.string(),
  v.transform(csv),
  v.array(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,31}$/, "env names are lower case"))),
);

/** A URL. */
export const Url = v.pipe(v.string(), v.url("must be a URL"));

/** A secret long enough not to be guessed. */
export const Secret = v.pipe(v.string(), v.minLength(16, "must be at least 16 characters"));
