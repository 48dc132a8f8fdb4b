import type { ReportPublisher } from "../ports/report-publisher.ts";

/** Slack's incoming webhooks take text up to about 40,000 characters. */
const maxChars = 39_000;

/**
 * Posts reports to a Slack incoming webhook (`{ text }`), with the runtime's fetch, so it runs on
 * every runtime; the URL is a secret and never logged.
 */
export function createSlackReportPublisher(options: {
  webhookUrl: string;
  fetch?: typeof fetch;
}): ReportPublisher {
  const send = options.fetch ?? fetch;
  return {
    name: "slack",
    async publish({ subject, markdown }) {
      const text = `*${subject}*\n${markdown}`.slice(0, maxChars);
      const res = await send(options.webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`Slack webhook answered ${res.status}`);
    },
  };
}
