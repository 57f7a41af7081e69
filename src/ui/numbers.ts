/**
 * Counts as people read them, the same everywhere on screen: digits grouped by thousands with
 * a comma (`12,345`), and nouns that agree with the number (`1 message`, `1 of 1 message`,
 * `2 of 5 messages`).
 *
 * @module
 */

/** A whole count with thousands grouped by commas: `1234567` → `1,234,567`. */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** A count and its noun, plural unless the count is one: `1 message`, `1,000 messages`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : many}`;
}

/**
 * A part of a whole, the noun agreeing with the whole: `1 of 1 message`, `0 of 1 message`,
 * `3 of 5 messages`.
 */
export function countOf(part: number, whole: number, word: string, many = `${word}s`): string {
  return `${formatCount(part)} of ${plural(whole, word, many)}`;
}
