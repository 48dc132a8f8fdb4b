import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import { fromAwsError } from "./aws-errors.ts";

/** Table names derived from the configured prefix (default `runs-fleet-`). */
export function tableNames(prefix: string) {
  return {
    jobs: `${prefix}jobs`,
    instances: `${prefix}instances`,
    pools: `${prefix}pools`,
    circuits: `${prefix}circuits`,
    locks: `${prefix}locks`,
    config: `${prefix}config`,
    audit: `${prefix}audit`,
  };
}
export type TableNames = ReturnType<typeof tableNames>;

/** The jobs table: key `jobId`; indexes by status (newest update first) and by instance. */
export function jobsTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: "jobId", AttributeType: "S" },
      { AttributeName: "status", AttributeType: "S" },
      { AttributeName: "updatedAt", AttributeType: "S" },
      { AttributeName: "instanceId", AttributeType: "S" },
    ],
    KeySchema: [{ AttributeName: "jobId", KeyType: "HASH" }],
    GlobalSecondaryIndexes: [
      {
        IndexName: "by-status",
        KeySchema: [
          { AttributeName: "status", KeyType: "HASH" },
          { AttributeName: "updatedAt", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
      {
        IndexName: "by-instance",
        KeySchema: [{ AttributeName: "instanceId", KeyType: "HASH" }],
        Projection: { ProjectionType: "ALL" },
      },
    ],
  };
}

/** The instances table: key `instanceId`; index by state (oldest launch first). */
export function instancesTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: "instanceId", AttributeType: "S" },
      { AttributeName: "state", AttributeType: "S" },
      { AttributeName: "launchedAt", AttributeType: "S" },
    ],
    KeySchema: [{ AttributeName: "instanceId", KeyType: "HASH" }],
    GlobalSecondaryIndexes: [
      {
        IndexName: "by-state",
        KeySchema: [
          { AttributeName: "state", KeyType: "HASH" },
          { AttributeName: "launchedAt", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
    ],
  };
}

/** A table with a single string hash key and nothing else. */
export function simpleTableDefinition(tableName: string, key: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: key, AttributeType: "S" }],
    KeySchema: [{ AttributeName: key, KeyType: "HASH" }],
  };
}

/** Creates each table that does not exist yet and waits until all are ACTIVE. */
export async function ensureTables(
  client: DynamoDBClient,
  definitions: CreateTableCommandInput[],
): Promise<void> {
  for (const def of definitions) {
    try {
      await client.send(new DescribeTableCommand({ TableName: def.TableName }));
      continue;
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException))
        throw fromAwsError(err, `describing table ${def.TableName}`);
    }
    try {
      await client.send(new CreateTableCommand(def));
    } catch (err) {
      // Another replica created it first.
      if (!(err instanceof ResourceInUseException))
        throw fromAwsError(err, `creating table ${def.TableName}`);
    }
  }
  for (const def of definitions) {
    for (let i = 0; i < 600; i++) {
      const out = await client.send(new DescribeTableCommand({ TableName: def.TableName }));
      if (out.Table?.TableStatus === "ACTIVE") break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
