/** Places on the map: whether west, south, east, north bounds hold a point. */

/** A longitude in [-180, 180): a map turned round the world a few times gives any number. */
function wrapped(longitude: number): number {
  return ((((longitude + 180) % 360) + 360) % 360) - 180;
}

/** Whether ``bounds`` (west, south, east, north; west > east across the antimeridian) hold the point. */
export function covers(bounds: readonly number[], latitude: number, longitude: number): boolean {
  const [west, south, east, north] = bounds;
  if (west === undefined || south === undefined || east === undefined || north === undefined) return false;
  if (latitude < south || latitude > north) return false;
  const x = wrapped(longitude);
  return west <= east ? x >= west && x <= east : x >= west || x <= east;
}
