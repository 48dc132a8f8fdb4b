import { createServer, type Server } from "node:http";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { startFauxqs } from "fauxqs";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3ReportStore } from "../../src/control/adapters/aws/s3-report-store.ts";
import { createSnsReportPublisher } from "../../src/control/adapters/aws/sns-report-publisher.ts";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { createMemoryCircuitStore } from "../../src/control/adapters/memory/circuit-store.ts";
import { createMemoryInstanceStore } from "../../src/control/adapters/memory/instance-store.ts";
import { createMemoryJobStore } from "../../src/control/adapters/memory/job-store.ts";
import { createMemoryLockStore } from "../../src/control/adapters/memory/lock-store.ts";
import { createMemoryReportStore } from "../../src/control/adapters/memory/report-store.ts";
import { createSlackReportPublisher } from "../../src/control/adapters/slack-report-publisher.ts";
import { defaultCatalog } from "../../src/control/domain/catalog-default.ts";
import { githubHostedPrices } from "../../src/control/domain/cost-github.ts";
import { awsServicePrices } from "../../src/control/domain/cost-services.ts";
import { costRoutes } from "../../src/control/http/cost-routes.ts";
import type { ReportStore } from "../../src/control/ports/report-store.ts";
import { createCostReports } from "../../src/control/services/cost/cost-reports.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { sampleInstance } from "../support/instances.ts";

function reportsWith(store: ReportStore, now: number, publishers = [] as never[]) {
  const clock = fixedClock(now);
  const instances = createMemoryInstanceStore({ clock });
  return {
    clock,
    instances,
    reports: createCostReports({
      jobs: createMemoryJobStore({ clock }),
      instances,
      circuits: createMemoryCircuitStore(),
      reports: store,
      publishers,
      locks: createMemoryLockStore({ clock }),
      clock,
      logger: silentLogger,
      catalog: defaultCatalog,
      github: githubHostedPrices,
      services: awsServicePrices,
      settings: {
        hour: 9,
        timeZone: "Europe/Berlin",
        hostUsdPerHour: null,
        stoppedDiskGiB: 40,
        heartbeatSeconds: 30,
      },
    }),
  };
}

describe("the daily cost report", () => {
  let slack: Server;
  let slackUrl: string;
  const posted: string[] = [];
  beforeAll(async () => {
    slack = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        posted.push(body);
        res.end("ok");
      });
    });
    await new Promise<void>((r) => slack.listen(0, "127.0.0.1", r));
    const addr = slack.address();
    slackUrl = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/hook`;
  });
  afterAll(() => new Promise<void>((r) => slack.close(() => r())));

  it("is made once after the hour in its time zone, stored by date and posted to Slack", async () => {
    const store = createMemoryReportStore();
    // 07:30 UTC is 08:30 in Berlin: before the hour, so the day before yesterday's is due.
    const t = reportsWith(store, Date.parse("2026-03-02T07:30:00Z"), [
      createSlackReportPublisher({ webhookUrl: slackUrl }) as never,
    ]);
    await t.instances.create(
      sampleInstance("i-1", {
        launchedAt: "2026-03-01T09:00:00Z",
        terminatedAt: "2026-03-01T10:00:00Z",
        state: "terminated",
        usdPerHour: 0.05,
      }),
    );
    expect(await t.reports.tick()).toEqual({ date: "2026-02-28", made: true });
    t.clock.set(Date.parse("2026-03-02T08:00:00Z"));
    expect(await t.reports.tick()).toEqual({ date: "2026-03-01", made: true });
    expect(await t.reports.tick()).toEqual({ date: "2026-03-01", made: false });
    expect(store.keys()).toEqual([
      "cost/2026/02/28.json",
      "cost/2026/02/28.md",
      "cost/2026/03/01.json",
      "cost/2026/03/01.md",
    ]);
    const md = (await store.get("cost/2026/03/01.md")) ?? "";
    expect(md).toContain("Total: **$0.05");
    expect(md).toMatch(/7-day average: \$\S+ a day over 2 day/);
    expect(posted).toHaveLength(2);
    expect(JSON.parse(posted[1] ?? "{}").text).toContain("runs-fleet cost report 2026-03-01");
  });

  it("answers GET /api/reports/cost for a day, refuses a bad or future date and stores nothing", async () => {
    const store = createMemoryReportStore();
    const t = reportsWith(store, Date.parse("2026-03-02T12:00:00Z"));
    const app = new Hono().route("/", costRoutes({ reports: t.reports }));
    const ok = await app.request("/api/reports/cost?date=2026-03-01");
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("## Recommendations");
    for (const bad of ["2026-3-1", "2026-02-30", "2026-03-03", "x"]) {
      const res = await app.request(`/api/reports/cost?date=${bad}`);
      expect(res.status).toBe(400);
    }
    const json = await app.request("/api/reports/cost?format=json");
    expect(await json.json()).toMatchObject({ date: "2026-03-02" });
    expect(store.keys()).toEqual([]);
  });

  it("stores to S3 and publishes to SNS (fauxqs)", async () => {
    const server = await startFauxqs({ port: 0, logger: false });
    const common = {
      region: "us-east-1",
      endpoint: server.address,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    };
    const s3 = new S3Client({ ...common, forcePathStyle: true });
    const sns = new SNSClient(common);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: "runs-fleet-reports" }));
      const topic = await sns.send(new CreateTopicCommand({ Name: "runs-fleet-alerts" }));
      const store = createS3ReportStore({ client: s3, bucket: "runs-fleet-reports" });
      const t = reportsWith(store, Date.parse("2026-03-02T09:00:00Z"), [
        createSnsReportPublisher({ client: sns, topicArn: topic.TopicArn ?? "" }) as never,
      ]);
      expect(await store.get("cost/2026/03/01.md")).toBeNull();
      expect(await t.reports.tick()).toMatchObject({ made: true });
      expect(await store.get("cost/2026/03/01.md")).toContain(
        "# runs-fleet cost report — 2026-03-01",
      );
    } finally {
      s3.destroy();
      sns.destroy();
      await server.stop();
    }
  });
});
