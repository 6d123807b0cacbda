/**
 * At or below this many copies the shopper is told how few are left ("Only 3 left"). Five: enough
 * warning to buy now, rare enough (about one book in ten of the demo shelf) to still mean something.
 * The number shown is a hint read a moment ago; checkout takes the copies and has the last word.
 */
export const FEW_LEFT = 5;

/** "Out of stock" or "Only 3 left"; nothing when the shop has plenty or does not count the book. */
export function StockNote({ stock, inline = false }: { stock: number | null | undefined; inline?: boolean }) {
  if (stock === null || stock === undefined || stock > FEW_LEFT) return null;
  const Tag = inline ? 'span' : 'p';
  return stock === 0 ? <Tag className="stock-note stock-out">Out of stock</Tag> : <Tag className="stock-note stock-few">Only {stock} left</Tag>;
}
