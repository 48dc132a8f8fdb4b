export type { Clock } from "./clock.ts";
export type { LogFields, Logger } from "./logger.ts";
