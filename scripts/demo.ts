/**
 * `npm run demo`: sends signed `workflow_job` webhooks to a running local mode (`npm start`) and
 * prints what happens to each job. Reads its settings as `npm start` does (HOST, PORT,
 * RUNS_FLEET_WEBHOOK_SECRET, RUNS_FLEET_ADMIN_TOKEN, RUNS_FLEET_DATA_DIR), RUNS_FLEET_URL
 * overriding the address; secrets not set come from the data dir local mode wrote them to.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { sign } from "@octokit/webhooks-methods";
import * as v from "valibot";
import { configurationReport } from "../src/control/entry/result.ts";
import { loadSettings } from "../src/control/entry/settings.ts";

const Secrets = v.object({ webhookSecret: v.string(), adminToken: v.string() });
const JobView = v.object({
  jobId: v.string(),
  status: v.string(),
  reason: v.nullable(v.string()),
  instanceId: v.nullable(v.string()),
  candidates: v.array(v.string()),
});

async function settings() {
  const loaded = loadSettings({ env: process.env, readTextFile: (p) => readFileSync(p, "utf8") });
  if (!loaded.ok) {
    console.error(configurationReport(loaded.problems));
    process.exit(2);
  }
  const { config } = loaded.value;
  const url = process.env.RUNS_FLEET_URL ?? `http://${config.host}:${config.port}`;
  let secret = config.webhookSecrets[0];
  let token = config.adminToken;
  if (!secret || !token) {
    const file = join(config.dataDir, "secrets.json");
    try {
      const stored = v.parse(Secrets, JSON.parse(await readFile(file, "utf8")));
      secret ??= stored.webhookSecret;
      token ??= stored.adminToken;
    } catch {
      throw new Error(
        `no secrets: start local mode first (npm start), or set RUNS_FLEET_WEBHOOK_SECRET and RUNS_FLEET_ADMIN_TOKEN (looked in ${file})`,
      );
    }
  }
  return { url, secret, token };
}

const demoJobs = [
  { label: "runs-fleet", note: "defaults: 2–4 vCPU, cheapest arch" },
  { label: "runs-fleet/cpu=4/arch=arm64", note: "4–8 vCPU Graviton" },
  { label: "runs-fleet/cpu=8+8/ram=32/arch=amd64/spot=false", note: "exactly 8 vCPU, on-demand" },
  { label: "runs-fleet/cpus=4", note: "typo: rejected with a hint" },
];

async function main() {
  const { url, secret, token } = await settings();
  try {
    const health = await fetch(`${url}/readyz`);
    if (!health.ok) throw new Error(`status ${health.status}`);
  } catch (err) {
    console.error(
      `runs-fleet is not answering at ${url} (${(err as Error).message}); start it with npm start`,
    );
    process.exit(1);
  }
  const base = Date.now() % 1_000_000_000;
  const sent: Array<{ jobId: string; label: string; note: string; answer: string }> = [];
  const send = async (jobId: number, label: string, delivery: string) => {
    const body = JSON.stringify({
      action: "queued",
      workflow_job: {
        id: jobId,
        run_id: base,
        run_attempt: 1,
        name: `demo ${label}`,
        labels: ["self-hosted", label],
        status: "queued",
      },
      repository: { full_name: "octo-org/demo" },
    });
    const res = await fetch(`${url}/webhook`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "workflow_job",
        "x-github-delivery": delivery,
        "x-hub-signature-256": await sign(secret, body),
      },
      body,
    });
    const answer = (await res.json()) as Record<string, unknown>;
    return `${res.status} ${String(answer.outcome ?? answer.ignored ?? answer.error)}`;
  };
  for (const [i, job] of demoJobs.entries()) {
    const jobId = base * 10 + i;
    sent.push({
      jobId: String(jobId),
      ...job,
      answer: await send(jobId, job.label, `demo-${jobId}`),
    });
  }
  const dup = sent[1] as (typeof sent)[number];
  const again = await send(Number(dup.jobId), dup.label, `demo-${dup.jobId}`);
  console.log(
    `\nsent ${sent.length} jobs, and job ${dup.jobId} a second time (a redelivery): ${again}\n`,
  );
  for (const s of sent)
    console.log(`  ${s.jobId}  ${s.label.padEnd(48)} → ${s.answer}   (${s.note})`);

  console.log("\nwatching (jobs run on local agent processes; Ctrl-C to stop)…\n");
  const last = new Map<string, string>();
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    let open = 0;
    for (const s of sent) {
      const res = await fetch(`${url}/api/jobs/${s.jobId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const job = v.parse(JobView, await res.json());
      const line = `${job.status}${job.instanceId ? ` on ${job.instanceId}` : ""}${job.reason ? ` — ${job.reason}` : ""}`;
      if (last.get(s.jobId) !== line) {
        console.log(`  ${new Date().toISOString().slice(11, 19)}  ${s.jobId}  ${line}`);
        last.set(s.jobId, line);
      }
      if (!["completed", "failed", "cancelled", "rejected"].includes(job.status)) open++;
    }
    if (open === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`\ninstances: curl -H 'authorization: Bearer ${token}' ${url}/api/instances`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
