/** Somewhere a finished report is announced: an SNS topic, a Slack webhook. */
export interface ReportPublisher {
  /** A short name for logs (`sns`, `slack`). */
  readonly name: string;
  /** Sends the report; throws when the destination refused it. */
  publish(report: { subject: string; markdown: string }): Promise<void>;
}
