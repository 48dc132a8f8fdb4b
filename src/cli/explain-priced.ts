import type { SpotQuote } from "../control/domain/spot-quotes.ts";
import type { SpotPrices } from "../control/ports/spot-prices.ts";
import { explainWithSpotPrices } from "../control/services/intake/spot-ranking.ts";
import {
  type CommandResult,
  cliDefaults,
  explainOptions,
  regionProblem,
  renderExplanation,
} from "./explain.ts";
import { type PriceView, pricesNotAsked } from "./price-view.ts";

/** How long `explain` waits for EC2's spot prices before saying they are unavailable. */
export const explainPriceTimeoutMs = 5_000;

/** Each type's cheapest AZ and its price: what a fleet choosing the cheapest AZ would pay. */
function cheapestQuotes(quotes: readonly SpotQuote[]): PriceView["byType"] {
  const out: Record<string, { usdPerHour: number; az: string }> = {};
  for (const q of quotes) {
    const seen = out[q.instanceType];
    if (seen === undefined || q.usdPerHour < seen.usdPerHour)
      out[q.instanceType] = { usdPerHour: q.usdPerHour, az: q.az };
  }
  return out;
}

/** Why EC2 gave no prices, in words that say what to do about it. */
function whyNoPrices(region: string, error: string): string {
  // The SDK found no credentials before any request: nothing was sent, so "unreachable" misleads.
  if (/credential/i.test(error))
    return `no AWS credentials to ask EC2 in ${region} (${error}): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  return `cannot get them from EC2 in ${region} (${error}); check your network and AWS credentials`;
}

/**
 * `runs-fleet explain` with spot prices: the candidates of a spot request are priced (and
 * ordered) by EC2's current spot prices when EC2 answers within `timeoutMs`; when it cannot be
 * reached (no credentials, no network, a refusal) the answer says so and keeps list-price order.
 * `spotPrices` undefined means offline: nothing is asked.
 */
export async function explainPricedCommand(
  labels: readonly string[],
  flags: { json: boolean; region: string | undefined },
  spotPrices: SpotPrices | undefined,
  timeoutMs = explainPriceTimeoutMs,
): Promise<CommandResult> {
  const region = flags.region ?? cliDefaults.defaultRegion;
  const wrongRegion = regionProblem(labels, region);
  if (wrongRegion) return renderExplanation(wrongRegion, flags.json, pricesNotAsked(""));
  const priced = await explainWithSpotPrices(labels, explainOptions(region), spotPrices, timeoutMs);
  const result = priced.explanation;
  let prices: PriceView;
  if (result.outcome !== "accepted") prices = pricesNotAsked("the label is not accepted");
  else if (!result.spec.spot) prices = pricesNotAsked("spot=false asks for on-demand");
  else if (spotPrices === undefined) prices = pricesNotAsked("--offline");
  else if (priced.priceError !== null)
    prices = {
      status: "unavailable",
      region: result.region,
      message: whyNoPrices(result.region, priced.priceError),
      byType: {},
    };
  else
    prices = {
      status: "ok",
      region: result.region,
      message: null,
      byType: cheapestQuotes(priced.quotes),
    };
  return renderExplanation(result, flags.json, prices);
}
