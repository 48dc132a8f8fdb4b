import { describe, expect, it } from "vitest";
import { dashboardBody, misfit, stackResources, subRef } from "./stack.ts";

type MetricRow = Array<string | Record<string, unknown>>;

/** The metric names and dimension names a widget row refers to (plain or SEARCH). */
function references(row: MetricRow): Array<{ name: string; dims: string[] }> {
  const first = row[0];
  if (typeof first === "object" && typeof first.expression === "string") {
    const m = /SEARCH\('\{([^}]*)\} MetricName="([^"]+)"/.exec(first.expression);
    if (!m) return [];
    const [namespace, ...dims] = (m[1] as string).split(",");
    expect(namespace).toBe("runs-fleet");
    return [{ name: m[2] as string, dims }];
  }
  const plain = row.filter((x): x is string => typeof x === "string");
  expect(plain[0]).toBe("runs-fleet");
  const dims: string[] = [];
  for (let i = 2; i < plain.length; i += 2) dims.push(plain[i] as string);
  return [{ name: plain[1] as string, dims }];
}

describe("CloudWatch dashboard", () => {
  it("is valid JSON with 12 widgets in three rows of four", () => {
    const body = dashboardBody();
    expect(body.widgets).toHaveLength(12);
    const rows = new Map<number, number>();
    for (const w of body.widgets) rows.set(w.y, (rows.get(w.y) ?? 0) + 1);
    expect([...rows.values()]).toEqual([4, 4, 4]);
  });

  it("draws only metrics the code emits, with dimensions it emits them under", () => {
    const problems: string[] = [];
    let seen = 0;
    for (const w of dashboardBody().widgets)
      for (const row of w.properties.metrics)
        for (const ref of references(row as MetricRow)) {
          seen++;
          const why = misfit(ref.name, ref.dims);
          if (why) problems.push(why);
        }
    expect(problems).toEqual([]);
    expect(seen).toBeGreaterThanOrEqual(12);
  });

  it("filters every plain metric by this stack's prefix", () => {
    const text = JSON.stringify(dashboardBody("acme-"));
    expect(text).not.toContain("runs-fleet-");
    expect(text).toContain('"prefix","acme-"');
  });
});

describe("alarms", () => {
  const resources = stackResources();
  const alarms = Object.entries(resources).filter(([, r]) => r.Type === "AWS::CloudWatch::Alarm");

  it("are the five the operators asked for and the SLO fast-burn alarm, each to the topic", () => {
    expect(alarms.map(([id]) => id).sort()).toEqual([
      "DeadLetterDepthAlarm",
      "Ec2ApiErrorsAlarm",
      "OldestJobMessageAlarm",
      "PoolExhaustionAlarm",
      "SloFastBurnAlarm",
      "SpotInterruptionRateAlarm",
    ]);
    for (const [, a] of alarms) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: "AlertsTopic" }]);
      expect(a.Properties.OKActions).toEqual([{ Ref: "AlertsTopic" }]);
    }
    expect(resources.AlertsTopic?.Properties.TopicName).toEqual({
      "Fn::Sub": `${subRef("Prefix")}alerts`,
    });
    expect(resources.AlertsEmailSubscription).toMatchObject({
      Condition: "HasAlertEmail",
      Properties: { Protocol: "email", Endpoint: { Ref: "AlertEmail" } },
    });
  });

  it("watch only catalogue metrics, under dimensions the code emits", () => {
    const problems: string[] = [];
    for (const [id, a] of alarms) {
      type Metric = { MetricName: string; Dimensions: Array<{ Name: string }> };
      const direct = a.Properties.MetricName
        ? [a.Properties as unknown as Metric]
        : ((a.Properties.Metrics ?? []) as Array<{ MetricStat?: { Metric: Metric } }>).flatMap(
            (m) => (m.MetricStat ? [m.MetricStat.Metric] : []),
          );
      expect(direct.length, id).toBeGreaterThan(0);
      for (const m of direct) {
        const why = misfit(
          m.MetricName,
          m.Dimensions.map((d) => d.Name),
        );
        if (why) problems.push(`${id}: ${why}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("hold the thresholds of the issue", () => {
    const p = (id: string) => resources[id]?.Properties ?? {};
    expect(p("OldestJobMessageAlarm")).toMatchObject({ Threshold: 300, EvaluationPeriods: 2 });
    expect(p("Ec2ApiErrorsAlarm")).toMatchObject({ Threshold: 5, Period: 300, Statistic: "Sum" });
    expect(p("SpotInterruptionRateAlarm")).toMatchObject({ Threshold: 20 });
    expect(JSON.stringify(p("SpotInterruptionRateAlarm").Metrics)).toContain('"Period":900');
    expect(p("PoolExhaustionAlarm")).toMatchObject({ Threshold: 0.95, EvaluationPeriods: 2 });
    expect(p("DeadLetterDepthAlarm")).toMatchObject({ Threshold: 10 });
  });
});
