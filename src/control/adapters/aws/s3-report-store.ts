import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ReportStore } from "../../ports/report-store.ts";
import { fromAwsError } from "./aws-errors.ts";

/** Reports as objects in an S3 bucket, under an optional key prefix. */
export function createS3ReportStore(options: {
  client: S3Client;
  bucket: string;
  prefix?: string;
}): ReportStore {
  const key = (k: string) => `${options.prefix ?? ""}${k}`;
  return {
    async put(k, body, contentType) {
      try {
        await options.client.send(
          new PutObjectCommand({
            Bucket: options.bucket,
            Key: key(k),
            Body: body,
            ContentType: contentType,
          }),
        );
      } catch (err) {
        throw fromAwsError(err, "S3 PutObject");
      }
    },
    async get(k) {
      try {
        const res = await options.client.send(
          new GetObjectCommand({ Bucket: options.bucket, Key: key(k) }),
        );
        return (await res.Body?.transformToString()) ?? null;
      } catch (err) {
        const name = (err as { name?: string }).name;
        if (name === "NoSuchKey" || name === "NotFound") return null;
        throw fromAwsError(err, "S3 GetObject");
      }
    },
  };
}
