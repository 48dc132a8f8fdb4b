import type { CreateTableCommandInput, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { type CircuitState, CircuitStateSchema } from "../../domain/circuit.ts";
import { ConflictError, FleetError } from "../../domain/errors.ts";
import type { CircuitStore } from "../../ports/circuit-store.ts";
import { fromAwsError } from "./aws-errors.ts";
import { readAll } from "./dynamo-paging.ts";
import { itemParser } from "./dynamo-records.ts";
import { conditionalSend } from "./dynamo-update.ts";
import { simpleTableDefinition } from "./tables.ts";

/** Name of the TTL attribute (epoch seconds); enabling TTL on it is an AWS-only set-up step. */
export const circuitsTtlAttribute = "expiresAt";

/** The circuits table: key `instanceType`, on-demand billing. */
export function circuitsTableDefinition(tableName: string): CreateTableCommandInput {
  return simpleTableDefinition(tableName, "instanceType");
}

/** BatchGetItem takes at most 100 keys. */
const batchGetMax = 100;
/** Rounds of UnprocessedKeys before giving up. */
const unprocessedRounds = 5;

const parseItem = itemParser(
  CircuitStateSchema,
  (item) => `circuit ${String(item.instanceType)} in the circuits table`,
  "corrupt_record",
);

/** A CircuitStore on a DynamoDB table (or dynalite); the client is passed in. */
export function createDynamoCircuitStore(options: {
  client: DynamoDBClient;
  tableName: string;
}): CircuitStore {
  const doc = DynamoDBDocumentClient.from(options.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const table = options.tableName;

  async function getChunk(types: readonly string[], out: Map<string, CircuitState>) {
    let keys: Record<string, unknown>[] = types.map((instanceType) => ({ instanceType }));
    for (let round = 0; keys.length > 0; round++) {
      if (round >= unprocessedRounds) {
        throw new FleetError("throttled", "circuits: keys left unprocessed", { retryable: true });
      }
      const res = await doc.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of res.Responses?.[table] ?? []) {
        const state = parseItem(item);
        out.set(state.instanceType, state);
      }
      keys = res.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }

  return {
    async getMany(instanceTypes) {
      const out = new Map<string, CircuitState>();
      const unique = [...new Set(instanceTypes)];
      try {
        for (let i = 0; i < unique.length; i += batchGetMax) {
          await getChunk(unique.slice(i, i + batchGetMax), out);
        }
      } catch (err) {
        throw fromAwsError(err, "reading circuits");
      }
      return out;
    },

    async list() {
      const all = await readAll(
        doc,
        { scan: { TableName: table, ConsistentRead: true } },
        {
          parse: parseItem,
          action: "listing circuits",
        },
      );
      return all.sort((a, b) => a.instanceType.localeCompare(b.instanceType));
    },

    async save(state, expectedVersion, expiresAt) {
      const next: CircuitState = { ...state, version: expectedVersion + 1 };
      // The whole record is written (a put, not an update): its nulls must stay nulls.
      const condition =
        expectedVersion === 0
          ? { ConditionExpression: "attribute_not_exists(instanceType)" }
          : {
              ConditionExpression: "version = :expected",
              ExpressionAttributeValues: { ":expected": expectedVersion },
            };
      const put = new PutCommand({
        TableName: table,
        Item: { ...next, [circuitsTtlAttribute]: Math.ceil(expiresAt / 1000) },
        ...condition,
      });
      const saved = await conditionalSend(
        () => doc.send(put),
        `saving circuit ${state.instanceType}`,
      );
      if (!saved)
        throw new ConflictError(
          `circuit ${state.instanceType} changed since version ${expectedVersion}`,
        );
      return next;
    },
  };
}
