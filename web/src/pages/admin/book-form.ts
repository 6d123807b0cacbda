import type { Book, BookFields } from '../../api/types';
import { moneyInputValue, parseMoney } from '../../lib/money';

/** The editor's fields as the inputs hold them (text), converted to the API's types on save. */
export interface BookForm {
  title: string;
  authors: string;
  category: string;
  isbn: string;
  price: string;
  currency: string;
  rating: string;
  year: string;
  coverUrl: string;
  description: string;
  /** Empty: the shop does not count this book's copies. */
  stock: string;
}

export const EMPTY_FORM: BookForm = {
  title: '',
  authors: '',
  category: '',
  isbn: '',
  price: '',
  currency: 'USD',
  rating: '0',
  year: String(new Date().getFullYear()),
  coverUrl: '',
  description: '',
  stock: '',
};

export const FIELD_LABELS: Record<keyof BookFields, string> = {
  title: 'Title',
  authors: 'Authors',
  category: 'Category',
  isbn: 'ISBN',
  price: 'Price',
  currency: 'Currency',
  rating: 'Rating',
  year: 'Year',
  coverUrl: 'Cover URL',
  description: 'Description',
  stock: 'Copies in stock',
};

export function formOf(book: Book): BookForm {
  return {
    title: book.title,
    authors: book.authors.join('\n'),
    category: book.category,
    isbn: book.isbn,
    price: moneyInputValue(book.price, book.currency),
    currency: book.currency,
    rating: String(book.rating),
    year: String(book.year),
    coverUrl: book.coverUrl ?? '',
    description: book.description,
    stock: book.stock === null || book.stock === undefined ? '' : String(book.stock),
  };
}

function validCurrency(code: string): boolean {
  try {
    new Intl.NumberFormat(undefined, { style: 'currency', currency: code });
    return /^[A-Z]{3}$/.test(code);
  } catch {
    return false;
  }
}

/**
 * Turns the inputs into API fields. Only what cannot even be sent (a price that is not a number)
 * is reported here; every rule of the catalog is checked by the server, whose errors are shown
 * next to the same fields.
 */
export function fieldsOf(form: BookForm): { fields: BookFields; errors: Partial<Record<keyof BookFields, string>> } {
  const errors: Partial<Record<keyof BookFields, string>> = {};
  const currency = form.currency.trim().toUpperCase();
  if (!validCurrency(currency)) errors.currency = 'Enter a three-letter ISO 4217 code, such as USD or EUR.';
  const price = validCurrency(currency) ? parseMoney(form.price, currency) : null;
  if (price === null && !errors.currency) errors.price = 'Enter a price such as 12.99 (no currency sign).';
  const rating = Number(form.rating);
  if (form.rating.trim() === '' || !Number.isFinite(rating)) errors.rating = 'Enter a rating from 0 to 5, such as 4.5.';
  const year = Number(form.year);
  if (!/^-?\d{1,4}$/.test(form.year.trim())) errors.year = 'Enter a year, such as 2021.';
  if (form.stock.trim() !== '' && !/^\d{1,10}$/.test(form.stock.trim())) errors.stock = 'Enter a whole number of copies, or leave it empty to stop counting.';
  return {
    fields: {
      title: form.title.trim(),
      authors: form.authors
        .split('\n')
        .map((a) => a.trim())
        .filter(Boolean),
      category: form.category.trim(),
      isbn: form.isbn.trim(),
      price: price ?? 0,
      currency,
      rating,
      year,
      coverUrl: form.coverUrl.trim() === '' ? null : form.coverUrl.trim(),
      description: form.description.trim(),
      stock: form.stock.trim() === '' ? null : Number(form.stock.trim()),
    },
    errors,
  };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The fields that differ from `base`: what a PATCH sends, and what a conflict re-applies. */
export function changedFields(fields: BookFields, base: Book): Partial<BookFields> {
  const changes: Partial<BookFields> = {};
  for (const key of Object.keys(fields) as Array<keyof BookFields>) {
    // A book read without a stock (a search hit) has it uncounted, as the empty input says.
    if (!same(fields[key], base[key] ?? null)) (changes as Record<string, unknown>)[key] = fields[key];
  }
  return changes;
}

export function displayValue(book: Partial<BookFields>, key: keyof BookFields, currency: string): string {
  const value = book[key];
  if (value === undefined || value === null || value === '') return '—';
  if (key === 'price' && typeof value === 'number') return moneyInputValue(value, book.currency ?? currency);
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}
