import { useEffect, useState } from 'react';

/** `value`, once it has stopped changing for `delayMs`. */
export function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

/** What index.html says about the store, for pages that have nothing more specific. */
const STORE_DESCRIPTION = 'Bookstore: find your next book, see what your friends are reading.';
/** Search engines show about this much of a description. */
const DESCRIPTION_MAX = 160;

/** A page's own title and description, as search results and shared links show them. */
export function useDocumentTitle(title: string, description?: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Bookstore` : 'Bookstore';
    const meta = document.querySelector('meta[name="description"]');
    const text = description ? description.replace(/\s+/g, ' ').trim() : STORE_DESCRIPTION;
    meta?.setAttribute('content', text.length > DESCRIPTION_MAX ? `${text.slice(0, DESCRIPTION_MAX - 1).replace(/\s+\S*$/, '')}…` : text);
  }, [title, description]);
}
