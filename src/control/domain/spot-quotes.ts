/** The current spot price of one instance type in one availability zone. */
export interface SpotQuote {
  instanceType: string;
  az: string;
  usdPerHour: number;
}

/** The lowest price of each type over its AZs: what a fleet choosing the cheapest AZ pays. */
export function cheapestByType(quotes: readonly SpotQuote[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const q of quotes) {
    const seen = out[q.instanceType];
    if (seen === undefined || q.usdPerHour < seen) out[q.instanceType] = q.usdPerHour;
  }
  return out;
}

/** The price of `instanceType` in `az`; else its cheapest AZ; undefined when unknown. */
export function quoteFor(
  quotes: readonly SpotQuote[],
  instanceType: string,
  az: string | null,
): number | undefined {
  const exact = quotes.find((q) => q.instanceType === instanceType && q.az === az);
  return exact?.usdPerHour ?? cheapestByType(quotes)[instanceType];
}
