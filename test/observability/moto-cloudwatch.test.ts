import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Moto, motoAvailable, motoSkipReason, startMoto } from "../support/moto.ts";
import { dashboardBody, stackResources, subRef } from "./stack.ts";

const topicArn = "arn:aws:sns:us-east-1:123456789012:runs-fleet-alerts";

/** CloudFormation values with `!Ref Prefix` and `!Ref AlertsTopic` resolved, `!Sub` filled in. */
function resolve(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolve);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o.Ref === "Prefix") return "runs-fleet-";
    if (o.Ref === "AlertsTopic") return topicArn;
    if (typeof o["Fn::Sub"] === "string")
      return o["Fn::Sub"].replaceAll(subRef("Prefix"), "runs-fleet-");
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolve(v)]));
  }
  return value;
}

/** Flattens parameters the way CloudWatch's query protocol wants them (`X.member.1.Name`). */
function flatten(value: unknown, key: string, out: URLSearchParams): void {
  if (Array.isArray(value))
    for (const [i, v] of value.entries()) flatten(v, `${key}.member.${i + 1}`, out);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) flatten(v, key ? `${key}.${k}` : k, out);
  else out.set(key, String(value));
}

/** One CloudWatch query-protocol call (moto checks no signature); returns the XML answer. */
async function call(moto: Moto, action: string, params: Record<string, unknown>): Promise<string> {
  const body = new URLSearchParams({ Action: action, Version: "2010-08-01" });
  flatten(params, "", body);
  const res = await fetch(moto.endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization:
        "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0",
    },
    body,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${action}: ${res.status} ${text}`);
  return text;
}

if (!motoAvailable) console.warn(motoSkipReason);

describe.skipIf(!motoAvailable)(
  "the stack's dashboard and alarms against moto's CloudWatch",
  () => {
    let moto: Moto;
    beforeAll(async () => {
      moto = await startMoto();
    }, 60_000);
    afterAll(async () => {
      await moto?.stop();
    });

    it("accepts the dashboard body (PutDashboard) and hands it back", async () => {
      const body = JSON.stringify(dashboardBody());
      await call(moto, "PutDashboard", { DashboardName: "runs-fleet-fleet", DashboardBody: body });
      const got = await call(moto, "GetDashboard", { DashboardName: "runs-fleet-fleet" });
      expect(got).toContain("runs-fleet-fleet");
    });

    it("accepts each of the five alarms (PutMetricAlarm) and lists them", async () => {
      const alarms = Object.values(stackResources()).filter(
        (r) => r.Type === "AWS::CloudWatch::Alarm",
      );
      for (const alarm of alarms)
        await call(moto, "PutMetricAlarm", resolve(alarm.Properties) as Record<string, unknown>);
      const listed = await call(moto, "DescribeAlarms", { AlarmNamePrefix: "runs-fleet-" });
      for (const name of [
        "oldest-job-message",
        "ec2-api-errors",
        "spot-interruption-rate",
        "pool-exhaustion",
        "dlq-depth",
      ])
        expect(listed).toContain(`<AlarmName>runs-fleet-${name}</AlarmName>`);
      expect(listed).toContain(topicArn);
    });
  },
);
