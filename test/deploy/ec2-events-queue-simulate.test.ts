/**
 * The EC2 events queue's own policy, as the template deploys it, evaluated by an IAM policy
 * simulator: only the stack's EventBridge rules, and the control plane redriving its DLQ, may
 * send, whatever a sender's own policies allow.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import {
  account,
  ec2EventsQueuePolicy,
  type Policy,
  prefix,
  queueArn,
  region,
  rolePolicy,
} from "./iam-sim.ts";

describe("IAM simulation: the EC2 events queue's own policy", () => {
  const send = async (principal: string, context: Record<string, string>, policy?: Policy) => {
    const result = await runSimulation(
      {
        identityPolicies: policy ? [{ name: "identity", policy }] : [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: ec2EventsQueuePolicy,
        request: {
          principal,
          action: "sqs:SendMessage",
          resource: { resource: queueArn("ec2-events"), accountId: account },
          contextVariables: context,
        },
      },
      {},
    );
    if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
    return result.overallResult;
  };
  const rule = (name: string) => `arn:aws:events:${region}:${account}:rule/${prefix}${name}`;

  it("accepts EventBridge sending for our rules, and no other rule", async () => {
    expect(await send("events.amazonaws.com", { "aws:SourceArn": rule("state-change") })).toBe(
      "Allowed",
    );
    expect(await send("events.amazonaws.com", { "aws:SourceArn": rule("someone-else") })).not.toBe(
      "Allowed",
    );
  });

  it("lets the control plane redrive its dead letters, and refuses a role allowed sqs:*", async () => {
    const controlPlane = `arn:aws:iam::${account}:role/${prefix}control-plane`;
    expect(
      await send(
        `arn:aws:sts::${account}:assumed-role/${prefix}control-plane/session`,
        { "aws:PrincipalArn": controlPlane },
        rolePolicy("ControlPlaneRole"),
      ),
    ).toBe("Allowed");
    const everything: Policy = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "sqs:*", Resource: "*" }],
    };
    expect(
      await send(
        `arn:aws:sts::${account}:assumed-role/admin/session`,
        { "aws:PrincipalArn": `arn:aws:iam::${account}:role/admin` },
        everything,
      ),
    ).toBe("ExplicitlyDenied");
  });
});
