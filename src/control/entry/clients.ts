import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";

/** Static credentials for the embedded emulators, which accept anything. */
export const localCredentials = { accessKeyId: "local", secretAccessKey: "local" };

/** SDK clients for DynamoDB and SQS; endpoints given for emulators, default chain on AWS. */
export function awsClients(options: {
  region: string;
  endpoints: { dynamodb?: string | undefined; sqs?: string | undefined };
  local: boolean;
}) {
  const common = {
    region: options.region,
    ...(options.local ? { credentials: localCredentials } : {}),
  };
  return {
    dynamodb: new DynamoDBClient({
      ...common,
      ...(options.endpoints.dynamodb ? { endpoint: options.endpoints.dynamodb } : {}),
    }),
    sqs: new SQSClient({
      ...common,
      ...(options.endpoints.sqs ? { endpoint: options.endpoints.sqs } : {}),
    }),
  };
}
