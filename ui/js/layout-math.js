// Pure helpers of the layout (tested with `node --test`).

export const clamp = (value, min, max) => Math.min(max, Math.max(min, value));

/** The key a split's share is remembered under: position and window size
 * rounded to 100 px, so a window of about the same size finds it again. */
export function splitKey(position, width, height) {
  const round = (n) => Math.max(100, Math.round(n / 100) * 100);
  return `${position === "beside" ? "beside" : "below"} ${round(width)}x${round(height)}`;
}
