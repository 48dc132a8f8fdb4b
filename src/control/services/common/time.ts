/** An epoch-milliseconds time as the ISO-8601 string the stores and APIs keep. */
export const iso = (ms: number): string => new Date(ms).toISOString();
