/**
 * The control plane's EC2 rights, as the template deploys them, evaluated by an IAM policy
 * simulator across regions: it launches, tags and ends managed instances in any configured
 * region (one control plane serves every region), and still nothing that is not ours.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import { account, prefix, rolePolicy } from "./iam-sim.ts";

const controlPlane = `arn:aws:sts::${account}:assumed-role/${prefix}control-plane/session`;

/** The simulator's verdict for one EC2 request of the control plane. */
async function asControlPlane(action: string, resource: string, context: Record<string, string>) {
  const result = await runSimulation(
    {
      identityPolicies: [{ name: "control-plane", policy: rolePolicy("ControlPlaneRole") }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        principal: controlPlane,
        action,
        resource: { resource, accountId: account },
        contextVariables: { "aws:PrincipalAccount": account, ...context },
      },
    },
    {},
  );
  if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

const instance = (region: string) =>
  `arn:aws:ec2:${region}:${account}:instance/i-0aaaaaaaaaaaaaaaa`;
const managed = { "ec2:ResourceTag/runs-fleet:managed": "true" };

describe("IAM simulation: the control plane in several regions", () => {
  it.each(["us-east-1", "eu-west-1", "ap-southeast-2"])(
    "may stop, start and terminate a managed instance in %s",
    async (region) => {
      for (const action of ["ec2:TerminateInstances", "ec2:StopInstances", "ec2:StartInstances"])
        expect(await asControlPlane(action, instance(region), managed), action).toBe("Allowed");
    },
  );

  it("may launch from a managed launch template of another region", async () => {
    const template = `arn:aws:ec2:eu-west-1:${account}:launch-template/lt-0123456789abcdef0`;
    expect(await asControlPlane("ec2:CreateFleet", template, managed)).toBe("Allowed");
  });

  it("may not end or tag an instance that is not ours, in any region", async () => {
    for (const region of ["us-east-1", "eu-west-1"]) {
      const other = { "ec2:ResourceTag/runs-fleet:managed": "false" };
      expect(await asControlPlane("ec2:TerminateInstances", instance(region), other)).not.toBe(
        "Allowed",
      );
      expect(await asControlPlane("ec2:CreateTags", instance(region), {})).not.toBe("Allowed");
    }
  });
});
