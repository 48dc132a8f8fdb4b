/**
 * The runner policy, as the CloudFormation template deploys it, evaluated by an IAM policy
 * simulator for requests a job could make with its instance's credentials: instance A's
 * session may take A's runner config and report events, and nothing that touches instance B,
 * B's config, the EC2 events queue or the job queue.
 */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import {
  RUNNER_CONFIG_ENV_TAG,
  RUNNER_CONFIG_READER_TAG,
  runnerConfigReader,
} from "../../src/control/adapters/aws/ssm-runner-config-store.ts";
import { FleetTag } from "../../src/control/domain/launch-slot.ts";
import {
  account,
  arn,
  configOf,
  ec2EventsQueuePolicy,
  instanceA,
  instanceB,
  keyArn,
  type Policy,
  parameterArn,
  prefix,
  queueArn,
  region,
  roleId,
  rolePolicy,
  ssmPrefix,
} from "./iam-sim.ts";

/** The session of instance A's instance profile: `aws:userid` is `<role-id>:<instance-id>`. */
const runnerA = {
  principal: `arn:aws:sts::${account}:assumed-role/${prefix}runner/${instanceA}`,
  context: {
    "aws:userid": `${roleId}:${instanceA}`,
    "aws:PrincipalArn": `arn:aws:iam::${account}:role/${prefix}runner`,
    "aws:PrincipalAccount": account,
    "ec2:SourceInstanceARN": arn("ec2", `instance/${instanceA}`),
  },
};

interface Request {
  action: string;
  resource: string;
  context?: Record<string, string>;
  resourcePolicy?: Policy;
}

/** The simulator's verdict for one request made with instance A's credentials. */
async function asRunnerA(request: Request) {
  const simulation: Simulation = {
    identityPolicies: [{ name: "runner", policy: rolePolicy("RunnerRole") }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
    request: {
      principal: runnerA.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: account },
      contextVariables: { ...runnerA.context, ...request.context },
    },
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

/** The reader tag of a config written for `instanceId`, as the store writes it. */
const taggedFor = (instanceId: string) => ({
  [`ssm:resourceTag/${RUNNER_CONFIG_READER_TAG}`]: runnerConfigReader(roleId, instanceId),
});

describe("IAM simulation: runner configs, with instance A's credentials", () => {
  it.each(["ssm:GetParameter", "ssm:GetParameters", "ssm:DeleteParameter", "ssm:DeleteParameters"])(
    "%s on A's own config parts is allowed",
    async (action) => {
      for (const name of [configOf(instanceA).first, configOf(instanceA).second])
        expect(
          await asRunnerA({ action, resource: parameterArn(name), context: taggedFor(instanceA) }),
          name,
        ).toBe("Allowed");
    },
  );

  it.each(["ssm:GetParameter", "ssm:GetParameters", "ssm:DeleteParameter", "ssm:DeleteParameters"])(
    "%s on B's config is denied",
    async (action) => {
      for (const name of [configOf(instanceB).first, configOf(instanceB).second])
        expect(
          await asRunnerA({ action, resource: parameterArn(name), context: taggedFor(instanceB) }),
          name,
        ).not.toBe("Allowed");
    },
  );

  it("denies a config under A's own path that is not tagged for A (or not tagged at all)", async () => {
    const name = parameterArn(configOf(instanceA).first);
    expect(await asRunnerA({ action: "ssm:GetParameter", resource: name })).not.toBe("Allowed");
    expect(
      await asRunnerA({
        action: "ssm:GetParameter",
        resource: name,
        context: taggedFor(instanceB),
      }),
    ).not.toBe("Allowed");
  });

  // IAM has no policy variable for the calling instance's own tags (`aws:PrincipalTag` is for
  // session tags, which instance profiles do not set), so the reader tag, naming one instance,
  // is what keeps a `dev` instance (A) from a `prod` job's config (B's), whatever it runs.
  it("an instance of one environment cannot read or delete another environment's config", async () => {
    const prodConfig = {
      ...taggedFor(instanceB),
      [`ssm:resourceTag/${RUNNER_CONFIG_ENV_TAG}`]: "prod",
    };
    const devTag = { [`ssm:resourceTag/${RUNNER_CONFIG_ENV_TAG}`]: "dev" };
    for (const action of ["ssm:GetParameter", "ssm:GetParameters", "ssm:DeleteParameter"]) {
      const resource = parameterArn(configOf(instanceB).first);
      expect(await asRunnerA({ action, resource, context: prodConfig }), action).not.toBe(
        "Allowed",
      );
      // Sharing an environment is no key either: only A's own config opens to A.
      const devOfB = { ...taggedFor(instanceB), ...devTag };
      expect(await asRunnerA({ action, resource, context: devOfB }), action).not.toBe("Allowed");
      const own = { ...taggedFor(instanceA), ...devTag };
      const ownResource = parameterArn(configOf(instanceA).first);
      expect(await asRunnerA({ action, resource: ownResource, context: own }), action).toBe(
        "Allowed",
      );
    }
  });

  it("denies listing configs, its own folder included, and writing any", async () => {
    for (const path of [`${ssmPrefix}/runners`, configOf(instanceA).dir, configOf(instanceB).dir])
      expect(
        await asRunnerA({
          action: "ssm:GetParametersByPath",
          resource: parameterArn(path),
          context: taggedFor(instanceA),
        }),
        path,
      ).not.toBe("Allowed");
    for (const action of ["ssm:PutParameter", "ssm:AddTagsToResource"])
      expect(
        await asRunnerA({
          action,
          resource: parameterArn(configOf(instanceB).first),
          context: taggedFor(instanceA),
        }),
        action,
      ).not.toBe("Allowed");
    expect(await asRunnerA({ action: "ssm:DescribeParameters", resource: "*" })).not.toBe(
      "Allowed",
    );
  });

  // The simulator resolves only slash-separated variable keys (`aws:ResourceTag/x`), so it drops
  // `kms:EncryptionContext:PARAMETER_ARN`: the allowed case and the encryption-context pattern
  // are checked on the statement itself in iam.test.ts. What it can show: no request outside
  // SSM, or without a runner config's encryption context, decrypts with the key.
  it("cannot decrypt with the configured key outside SSM or a runner config's context", async () => {
    const decrypt = (context: Record<string, string>) =>
      asRunnerA({ action: "kms:Decrypt", resource: keyArn, context });
    expect(await decrypt({})).toBe("ImplicitlyDenied");
    expect(await decrypt({ "kms:ViaService": `ssm.${region}.amazonaws.com` })).toBe(
      "ImplicitlyDenied",
    );
    expect(
      await decrypt({
        "kms:ViaService": `secretsmanager.${region}.amazonaws.com`,
        "kms:EncryptionContext:PARAMETER_ARN": parameterArn(configOf(instanceA).first),
      }),
    ).toBe("ImplicitlyDenied");
  });
});

describe("IAM simulation: instances, with instance A's credentials", () => {
  it.each(["ec2:StopInstances", "ec2:TerminateInstances", "ec2:CreateTags", "ec2:RebootInstances"])(
    "%s on instance B (tagged as the fleet's) is denied, and on A too",
    async (action) => {
      for (const instance of [instanceB, instanceA])
        expect(
          await asRunnerA({
            action,
            resource: arn("ec2", `instance/${instance}`),
            context: { [`ec2:ResourceTag/${FleetTag.managed}`]: "true" },
          }),
          instance,
        ).not.toBe("Allowed");
    },
  );
});

describe("IAM simulation: queues and artifacts, with instance A's credentials", () => {
  it("may send to the agent events queue", async () => {
    expect(await asRunnerA({ action: "sqs:SendMessage", resource: queueArn("events") })).toBe(
      "Allowed",
    );
  });

  it("may not send to the EC2 events queue, which refuses every sender but our rules", async () => {
    expect(
      await asRunnerA({
        action: "sqs:SendMessage",
        resource: queueArn("ec2-events"),
        resourcePolicy: ec2EventsQueuePolicy,
      }),
    ).toBe("ExplicitlyDenied");
  });

  it.each(["jobs", "jobs-dlq", "events-dlq", "ec2-events-dlq"])(
    "may not send to or read %s",
    async (queue) => {
      for (const action of ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"])
        expect(await asRunnerA({ action, resource: queueArn(queue) }), action).not.toBe("Allowed");
    },
  );

  it("reads the agent artifacts and nothing else in the bucket", async () => {
    const object = (key: string) => `arn:aws:s3:::artifacts/${key}`;
    expect(
      await asRunnerA({ action: "s3:GetObject", resource: object("agent/bootstrap.sh") }),
    ).toBe("Allowed");
    expect(await asRunnerA({ action: "s3:GetObject", resource: object("other/secret") })).not.toBe(
      "Allowed",
    );
  });
});
