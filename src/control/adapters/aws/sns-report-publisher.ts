import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { ReportPublisher } from "../../ports/report-publisher.ts";
import { fromAwsError } from "./aws-errors.ts";

/** SNS takes at most 256 KiB a message; a report past that is cut with a note. */
const maxBytes = 250_000;

/** Publishes reports to an SNS topic (the stack's alerts topic): email subscribers read markdown. */
export function createSnsReportPublisher(options: {
  client: SNSClient;
  topicArn: string;
}): ReportPublisher {
  return {
    name: "sns",
    async publish({ subject, markdown }) {
      const bytes = new TextEncoder().encode(markdown);
      const message =
        bytes.length <= maxBytes
          ? markdown
          : `${new TextDecoder().decode(bytes.slice(0, maxBytes))}\n\n(cut: the full report is in the report bucket)`;
      try {
        // Subjects are limited to 100 characters.
        await options.client.send(
          new PublishCommand({
            TopicArn: options.topicArn,
            Subject: subject.slice(0, 100),
            Message: message,
          }),
        );
      } catch (err) {
        throw fromAwsError(err, "SNS Publish");
      }
    },
  };
}
