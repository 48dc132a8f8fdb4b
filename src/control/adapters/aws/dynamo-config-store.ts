import type { CreateTableCommandInput, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as v from "valibot";
import { FleetError } from "../../domain/errors.ts";
import { checkFleetConfig } from "../../domain/fleet-config.ts";
import type { ConfigRefusal, ConfigStore, ConfigVersion } from "../../ports/config-store.ts";
import { fromAwsError } from "./aws-errors.ts";
import { itemParser } from "./dynamo-records.ts";
import { conditionalSend } from "./dynamo-update.ts";

/** The config table: key `name` (which record) and `version` (numbered, highest is active). */
export function configTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: "name", AttributeType: "S" },
      { AttributeName: "version", AttributeType: "N" },
    ],
    KeySchema: [
      { AttributeName: "name", KeyType: "HASH" },
      { AttributeName: "version", KeyType: "RANGE" },
    ],
  };
}

/** Config versions live under this name; the last refusal under its own, at version 0. */
const versionsName = "fleet";
const refusalName = "refused";

// The config is kept as JSON text: a schema change never meets half-typed DynamoDB maps.
const parseVersion = itemParser(
  v.object({
    version: v.number(),
    commit: v.string(),
    kind: v.picklist(["gitops", "file"]),
    source: v.string(),
    appliedAt: v.string(),
    config: v.string(),
  }),
  (item) => `config version ${String(item.version)}`,
);
const parseRefusal = itemParser(
  v.object({
    commit: v.string(),
    source: v.string(),
    refusedAt: v.string(),
    problems: v.array(v.string()),
  }),
  () => "config refusal",
);

/** ConfigStore on the config table; a version is created by one conditional put, never changed. */
export function createDynamoConfigStore(options: {
  client: DynamoDBClient;
  tableName: string;
}): ConfigStore {
  const { tableName } = options;
  const doc = DynamoDBDocumentClient.from(options.client);
  const newest = async (name: string) => {
    try {
      const out = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: "#n = :n",
          ExpressionAttributeNames: { "#n": "name" },
          ExpressionAttributeValues: { ":n": name },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      return out.Items?.[0] ?? null;
    } catch (err) {
      throw fromAwsError(err, `reading the ${name} config`);
    }
  };

  return {
    async active() {
      const item = await newest(versionsName);
      if (item === null) return null;
      const stored = parseVersion(item);
      // Read back through the same check as on apply: a stored config is data, not trusted shape.
      const checked = checkFleetConfig(JSON.parse(stored.config));
      if (!checked.ok)
        throw new FleetError(
          "corrupt_item",
          `config version ${stored.version} is invalid: ${checked.problems.join("; ")}`,
        );
      return { ...stored, config: checked.config } satisfies ConfigVersion;
    },
    async create(next) {
      const put = new PutCommand({
        TableName: tableName,
        Item: { ...next, name: versionsName, config: JSON.stringify(next.config) },
        ConditionExpression: "attribute_not_exists(#v)",
        ExpressionAttributeNames: { "#v": "version" },
      });
      const written = await conditionalSend(
        () => doc.send(put),
        `writing config version ${next.version}`,
      );
      return written !== null;
    },
    async lastRefusal() {
      const item = await newest(refusalName);
      return item === null ? null : (parseRefusal(item) satisfies ConfigRefusal);
    },
    async recordRefusal(refusal) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...refusal, name: refusalName, version: 0 },
          }),
        );
      } catch (err) {
        throw fromAwsError(err, "recording a config refusal");
      }
    },
  };
}
