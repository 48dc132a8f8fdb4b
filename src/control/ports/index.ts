export type { Clock } from "./clock.ts";
export type { Logger, LogFields } from "./logger.ts";
