import data from "../../../data/catalog.json" with { type: "json" };
import { type Catalog, parseCatalog } from "./catalog.ts";

/**
 * The catalog shipped with runs-fleet: c/m/r families of generations 6–8 on arm64 and amd64,
 * plus burstable t3/t4g, sizes up to 192 vCPU (the most a label can ask for), and on-demand list
 * prices for us-east-1, us-west-2, eu-west-1 and ap-northeast-1. Validated once, at load.
 */
export const defaultCatalog: Catalog = parseCatalog(data);
