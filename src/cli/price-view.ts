/** What the prices of an explanation were, for its JSON and its footnote. */
export interface PriceView {
  /** `ok`: EC2 answered; `unavailable`: it was asked and could not answer; `not-asked`: why in `message`. */
  status: "ok" | "unavailable" | "not-asked";
  region: string | null;
  /** Why not, in words; null when the prices are there. */
  message: string | null;
  /** Spot price of each candidate type in its cheapest AZ, with that AZ. */
  byType: Readonly<Record<string, { usdPerHour: number; az: string }>>;
}

/** Prices not asked for, and why. */
export const pricesNotAsked = (message: string): PriceView => ({
  status: "not-asked",
  region: null,
  message,
  byType: {},
});
