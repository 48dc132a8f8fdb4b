import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import dynalite from "dynalite";
import { startFauxqs } from "fauxqs";
import * as v from "valibot";

/** The embedded stand-ins for AWS that local mode runs in-process. */
export interface Embedded {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  jobQueueUrl: string;
  eventsQueueUrl: string;
  /** Local mode's stand-in for the queue only EventBridge feeds: emulated EC2 events. */
  ec2EventsQueueUrl: string;
  jobDlqUrl: string;
  eventsDlqUrl: string;
  ec2EventsDlqUrl: string;
  stop(): Promise<void>;
}

/** Queue names local mode creates (standard queues with a DLQ after 5 receives). */
export const localQueueNames = {
  jobs: "runs-fleet-jobs",
  jobsDlq: "runs-fleet-jobs-dlq",
  events: "runs-fleet-events",
  eventsDlq: "runs-fleet-events-dlq",
  ec2Events: "runs-fleet-ec2-events",
  ec2EventsDlq: "runs-fleet-ec2-events-dlq",
};

/**
 * Starts dynalite (persisted under `<dataDir>/dynamodb`, so jobs survive restarts) and fauxqs
 * (in memory: queue contents do not survive, which the reconciler covers by re-sending queued
 * jobs from the table).
 */
export async function startEmbedded(options: {
  dataDir: string;
  host?: string;
}): Promise<Embedded> {
  const host = options.host ?? "127.0.0.1";
  await mkdir(join(options.dataDir, "dynamodb"), { recursive: true });
  const db = dynalite({
    path: join(options.dataDir, "dynamodb"),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    db.once("error", reject);
    db.listen(0, host, () => resolve());
  });
  const addr = db.address();
  const dbPort = typeof addr === "object" && addr ? addr.port : 0;

  const sqs = await startFauxqs({ port: 0, logger: false });
  const jobsDlq = sqs.createQueue(localQueueNames.jobsDlq);
  const eventsDlq = sqs.createQueue(localQueueNames.eventsDlq);
  const redrive = (arn: string) =>
    JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: "5" });
  const jobs = sqs.createQueue(localQueueNames.jobs, {
    attributes: { RedrivePolicy: redrive(jobsDlq.queueArn), VisibilityTimeout: "60" },
  });
  const events = sqs.createQueue(localQueueNames.events, {
    attributes: { RedrivePolicy: redrive(eventsDlq.queueArn), VisibilityTimeout: "30" },
  });
  // As on AWS, EC2 events have a queue of their own: local agents are given only the other.
  const ec2EventsDlq = sqs.createQueue(localQueueNames.ec2EventsDlq);
  const ec2Events = sqs.createQueue(localQueueNames.ec2Events, {
    attributes: { RedrivePolicy: redrive(ec2EventsDlq.queueArn), VisibilityTimeout: "30" },
  });
  return {
    dynamodbEndpoint: `http://${host}:${dbPort}`,
    sqsEndpoint: sqs.address,
    jobQueueUrl: jobs.queueUrl,
    eventsQueueUrl: events.queueUrl,
    ec2EventsQueueUrl: ec2Events.queueUrl,
    jobDlqUrl: jobsDlq.queueUrl,
    eventsDlqUrl: eventsDlq.queueUrl,
    ec2EventsDlqUrl: ec2EventsDlq.queueUrl,
    stop: async () => {
      await sqs.stop();
      await new Promise<void>((resolve) => db.close(() => resolve()));
    },
  };
}

const SecretsSchema = v.object({ webhookSecret: v.string(), adminToken: v.string() });
export type LocalSecrets = v.InferOutput<typeof SecretsSchema>;

/**
 * The webhook secret and admin token of local mode: taken from the environment when set,
 * otherwise generated once and kept in `<dataDir>/secrets.json` (mode 0600).
 */
export async function localSecrets(
  dataDir: string,
  given: { webhookSecret?: string | undefined; adminToken?: string | undefined },
): Promise<LocalSecrets & { generated: boolean }> {
  const file = join(dataDir, "secrets.json");
  let stored: LocalSecrets | null = null;
  try {
    const parsed = v.safeParse(SecretsSchema, JSON.parse(await readFile(file, "utf8")));
    if (parsed.success) stored = parsed.output;
  } catch {
    // First start, or an unreadable file: generate fresh values below.
  }
  let generated = false;
  if (!stored) {
    stored = {
      webhookSecret: randomBytes(24).toString("hex"),
      adminToken: randomBytes(24).toString("hex"),
    };
    await mkdir(dataDir, { recursive: true });
    await writeFile(`${file}.tmp`, JSON.stringify(stored, null, 2), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    generated = true;
  }
  return {
    webhookSecret: given.webhookSecret ?? stored.webhookSecret,
    adminToken: given.adminToken ?? stored.adminToken,
    generated,
  };
}
