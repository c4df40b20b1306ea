// The day's shape of call volume: how busy each hour is relative to the others (a parcel company's line: a morning and an afternoon peak).

/** Relative volume by local hour 0–23. */
export const parcelDay: readonly number[] = [
  0.08, 0.05, 0.04, 0.04, 0.05, 0.1, 0.25, 0.55, 0.95, 1.3, 1.45, 1.35, 1.0, 1.1, 1.35, 1.4, 1.3, 1.1, 0.9, 0.75, 0.6, 0.45, 0.3, 0.15,
];

export const flatDay: readonly number[] = Array.from({ length: 24 }, () => 1);

/** Volume at a fractional hour of the day, linear between the hours' midpoints. */
export function volumeAt(profile: readonly number[], hourOfDay: number): number {
  const h = (((hourOfDay - 0.5) % 24) + 24) % 24;
  const lower = Math.floor(h);
  const upper = (lower + 1) % 24;
  const f = h - lower;
  return profile[lower]! * (1 - f) + profile[upper]! * f;
}
