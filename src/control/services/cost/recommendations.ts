import type { CostDay } from "../../domain/cost-day.ts";

/**
 * What the day's figures suggest doing: idle pools, rarely used types, circuits that opened,
 * jobs that asked for more than they used. Heuristics, worded as suggestions.
 */
export function recommendations(day: CostDay): string[] {
  const out: string[] = [];
  for (const p of day.usage.pools) {
    if (p.jobs === 0)
      out.push(
        `Pool \`${p.pool}\` ran ${p.hours.toFixed(1)} instance-hours and served no job: make it smaller or keep its instances stopped.`,
      );
    else if (p.hours / p.jobs > 2)
      out.push(
        `Pool \`${p.pool}\` ran ${p.hours.toFixed(1)} instance-hours for ${p.jobs} job(s): fewer running instances or a shorter idle timeout would do.`,
      );
  }
  const total = day.ec2.lines.reduce((s, l) => s + l.instances, 0);
  if (total >= 10) {
    for (const l of day.ec2.lines)
      if (l.instances / total < 0.05)
        out.push(
          `\`${l.instanceType}\` (${l.market}) ran ${l.instances} of ${total} instances: used rarely; if labels name its family only by habit, narrowing them lets more jobs share the cheaper types.`,
        );
  }
  for (const type of day.usage.circuitsOpened)
    out.push(
      `The spot circuit of \`${type}\` opened (repeated interruptions): its jobs ran on demand meanwhile; widen the families of the labels that need it so spot has more types to choose from.`,
    );
  for (const j of day.usage.overProvisioned.slice(0, 10))
    out.push(
      `Job ${j.jobId} in ${j.repo} asked for cpu=${j.cpu} and finished in ${j.minutes} min: a smaller size would likely do.`,
    );
  return out;
}
