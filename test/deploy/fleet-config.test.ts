import { describe, expect, it } from "vitest";
import { readTemplate } from "../../deploy/cfn-yaml.ts";
import { fleetConfig, launchTemplateName, stackTemplateKeys } from "../../deploy/fleet-config.ts";
import { parseFleetFile } from "../../src/control/entry/fleet-file.ts";
import { evaluate } from "./cfn-eval.ts";

const template = readTemplate();

describe("deploy/fleet-config.ts", () => {
  it("names the launch templates the stack makes, with their root devices", () => {
    const prefix = "ci-";
    const ctx = {
      template,
      parameters: { Prefix: prefix, LinuxRootDeviceName: "/dev/sda1" },
    };
    const placement = parseFleetFile(
      fleetConfig({
        prefix,
        region: "eu-west-1",
        subnets: ["subnet-0a=eu-west-1a"],
        linuxRootDevice: "/dev/sda1",
      }),
    ).placement!;
    for (const key of stackTemplateKeys) {
      const id = Object.keys(template.Resources).find(
        (r) =>
          template.Resources[r]?.Type === "AWS::EC2::LaunchTemplate" &&
          evaluate(ctx, template.Resources[r]?.Properties.LaunchTemplateName) ===
            launchTemplateName(prefix, key),
      );
      expect(id, key).toBeDefined();
      const data = template.Resources[id!]?.Properties.LaunchTemplateData as {
        BlockDeviceMappings: unknown;
      };
      const devices = evaluate(ctx, data.BlockDeviceMappings) as { DeviceName: string }[];
      expect(placement.launchTemplates[key]).toEqual({
        name: `${prefix}${key}`,
        version: "$Latest",
        rootDeviceName: devices[0]?.DeviceName,
      });
    }
  });

  it("puts subnets in their environments and only the templates asked for", () => {
    const placement = parseFleetFile(
      fleetConfig({
        prefix: "runs-fleet-",
        region: "us-east-1",
        subnets: ["subnet-0a=us-east-1a", "subnet-0b=us-east-1b", "staging:subnet-0c=us-east-1c"],
        templates: ["linux-arm64"],
      }),
    ).placement!;
    expect(placement.region).toBe("us-east-1");
    expect(Object.keys(placement.launchTemplates)).toEqual(["linux-arm64"]);
    expect(placement.subnets).toEqual({
      default: [
        { subnetId: "subnet-0a", az: "us-east-1a" },
        { subnetId: "subnet-0b", az: "us-east-1b" },
      ],
      staging: [{ subnetId: "subnet-0c", az: "us-east-1c" }],
    });
  });

  it("refuses a subnet without its zone, and no subnets at all", () => {
    const base = { prefix: "runs-fleet-", region: "us-east-1" };
    expect(() => fleetConfig({ ...base, subnets: ["subnet-0a"] })).toThrow(/subnet-id=zone/);
    expect(() => fleetConfig({ ...base, subnets: [] })).toThrow(/at least one --subnet/);
  });
});
