/**
 * Circuit keys per region. A type's circuit in one region says nothing about the same type in
 * another, so the key names the region. Circuits of the home region keep the bare type as key,
 * which is what every record stored before regions were kept apart holds: those records stay
 * valid and mean the home region.
 */

/** The circuits-table key of `instanceType` in `region`. */
export function circuitKey(instanceType: string, region: string, homeRegion: string): string {
  return region === homeRegion ? instanceType : `${instanceType}@${region}`;
}

/** The circuits-table key that says whether a whole region can launch (capacity failover). */
export function regionCircuitKey(region: string): string {
  return `region:${region}`;
}

/** The region a circuit key is about and the type it counts (null type for a region's own). */
export function parseCircuitKey(
  key: string,
  homeRegion: string,
): { region: string; instanceType: string | null } {
  if (key.startsWith("region:")) return { region: key.slice("region:".length), instanceType: null };
  const at = key.lastIndexOf("@");
  if (at < 0) return { region: homeRegion, instanceType: key };
  return { region: key.slice(at + 1), instanceType: key.slice(0, at) };
}
