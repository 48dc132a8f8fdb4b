import { EC2ServiceException } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../domain/errors.ts";
import { ec2CodeError, ec2Error, isCapacityCode } from "./ec2-compute-errors.ts";

function thrown(name: string, status: number) {
  return new EC2ServiceException({
    name,
    message: "m",
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
  });
}

describe("EC2 error translation", () => {
  it.each([
    ["InsufficientInstanceCapacity", "capacity", true],
    ["MaxSpotInstanceCountExceeded", "capacity", true],
    ["UnfulfillableCapacity", "capacity", true],
    ["VcpuLimitExceeded", "quota", true],
    ["RequestLimitExceeded", "throttled", true],
    ["IncorrectInstanceState", "incorrect_state", false],
    ["InvalidParameterValue", "ec2_rejected", false],
    ["InternalError", "aws_unavailable", true],
  ])("%s → %s (retryable %s)", (code, ours, retryable) => {
    expect(ec2CodeError(code, "m")).toMatchObject({ code: ours, retryable });
  });

  it("knows which codes mean no capacity", () => {
    expect(isCapacityCode("InsufficientInstanceCapacity")).toBe(true);
    expect(isCapacityCode("InvalidParameterValue")).toBe(false);
  });

  it("maps thrown SDK errors by name, status and absence of an answer", () => {
    expect(ec2Error(thrown("InvalidInstanceID.NotFound", 400))).toBeInstanceOf(NotFoundError);
    expect(ec2Error(thrown("Whatever", 503))).toMatchObject({
      code: "aws_unavailable",
      retryable: true,
    });
    expect(ec2Error(thrown("SlowDown", 429))).toMatchObject({ retryable: true });
    expect(ec2Error(thrown("UnauthorizedOperation", 403))).toMatchObject({ retryable: false });
    expect(ec2Error(new Error("ECONNRESET"))).toMatchObject({
      code: "aws_unreachable",
      retryable: true,
    });
  });
});
