import { afterAll, beforeAll } from "vitest";
import {
  configTableDefinition,
  createDynamoConfigStore,
} from "../../src/control/adapters/aws/dynamo-config-store.ts";
import { ensureTables } from "../../src/control/adapters/aws/tables.ts";
import { createMemoryConfigStore } from "../../src/control/adapters/memory/config-store.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";
import { configStoreContract } from "./config-store-contract.ts";

let b: Backends;
beforeAll(async () => {
  b = await startBackends();
});
afterAll(async () => {
  await b?.stop();
});

// The same assertions against DynamoDB (dynalite) and the in-memory twin.
let tables = 0;
configStoreContract("DynamoDB", async () => {
  const tableName = `config-contract-${++tables}`;
  await ensureTables(b.dynamodb, [configTableDefinition(tableName)]);
  return () => createDynamoConfigStore({ client: b.dynamodb, tableName });
});
configStoreContract("memory", async () => {
  const store = createMemoryConfigStore();
  return () => store;
});
