/** At or below this many copies the shopper is told how few are left. */
const FEW_LEFT = 5;

/** "Out of stock" or "Only 3 left"; nothing when the shop has plenty or does not count the book. */
export function StockNote({ stock }: { stock: number | null | undefined }) {
  if (stock === null || stock === undefined || stock > FEW_LEFT) return null;
  return stock === 0 ? <p className="stock-note stock-out">Out of stock</p> : <p className="stock-note stock-few">Only {stock} left</p>;
}
