/**
 * A believable shelf: most books have 5 to 40 copies, about one in twelve only 1 to 3, one in
 * twenty-five none. Drawn from the book's number, not the generator, so adding stock left every
 * other generated value as it was.
 */
export function demoStock(i: number): number {
  const v = Math.imul(i + 1, 2654435761) >>> 0;
  const pick = v % 100;
  if (pick < 4) return 0;
  if (pick < 12) return 1 + (v % 3);
  return 5 + ((v >>> 8) % 36);
}
