import { useId } from 'react';
import type { SearchResult } from '../api/types';
import { formatMoneyShort } from '../lib/money';
import { RATINGS } from '../pages/search-state';

export type PriceRange = SearchResult['facets']['priceRanges'][number];

export function priceLabel(range: PriceRange, currency: string): string {
  if (range.from === undefined && range.to !== undefined) return `Under ${formatMoneyShort(range.to, currency)}`;
  if (range.to === undefined && range.from !== undefined) return `${formatMoneyShort(range.from, currency)} and over`;
  return `${formatMoneyShort(range.from ?? 0, currency)} to ${formatMoneyShort(range.to ?? 0, currency)}`;
}

/** The API's ranges have an exclusive upper bound; its maxPrice filter is inclusive. */
export const rangeMax = (range: PriceRange) => (range.to === undefined ? undefined : range.to - 1);

export function RadioGroup({ legend, name, options, value, onChange }: {
  legend: string;
  name: string;
  options: Array<{ value: string; label: string; count?: number }>;
  value: string;
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <fieldset className="facet">
      <legend>{legend}</legend>
      {options.map((o, i) => (
        <div key={o.value} className="radio">
          <input type="radio" id={`${id}-${i}`} name={name} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} />
          <label htmlFor={`${id}-${i}`}>
            {o.label}
            {o.count !== undefined && <span className="facet-count"> ({o.count.toLocaleString()})</span>}
          </label>
        </div>
      ))}
    </fieldset>
  );
}

/**
 * The price ranges of a result and a minimum rating: the filters the search and category pages
 * share. A price filter that is not one of the ranges (typed into the URL) leaves every price option
 * unchecked. `onChange` gets the URL parameters to set (undefined: remove).
 */
export function PriceAndRatingFilters({ ranges, currency, filter, onChange }: {
  ranges: PriceRange[];
  currency: string;
  filter: { minPrice?: number | undefined; maxPrice?: number | undefined; minRating?: number | undefined };
  onChange: (changes: Record<string, string | number | undefined>) => void;
}) {
  const matchingRange = ranges.find((r) => r.from === filter.minPrice && rangeMax(r) === filter.maxPrice);
  const hasPriceFilter = filter.minPrice !== undefined || filter.maxPrice !== undefined;
  const selectedRange = matchingRange ? matchingRange.key : hasPriceFilter ? 'custom' : '';
  return (
    <>
      <RadioGroup
        legend="Price"
        name="price"
        options={[{ value: '', label: 'Any price' }, ...ranges.map((r) => ({ value: r.key, label: priceLabel(r, currency), count: r.count }))]}
        value={selectedRange}
        onChange={(key) => {
          const range = ranges.find((r) => r.key === key);
          onChange({ minPrice: range?.from, maxPrice: range ? rangeMax(range) : undefined });
        }}
      />
      <RadioGroup
        legend="Rating"
        name="rating"
        options={[{ value: '', label: 'Any rating' }, ...RATINGS.map((r) => ({ value: String(r), label: `${r} stars and up` }))]}
        value={filter.minRating === undefined ? '' : String(filter.minRating)}
        onChange={(v) => onChange({ minRating: v || undefined })}
      />
    </>
  );
}

/** The "Sort by" select of the search and category pages. */
export function SortSelect({ value, options, onChange }: {
  value: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  onChange: (value: string) => void;
}) {
  return (
    <label className="sort">
      <span>Sort by</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
      </select>
    </label>
  );
}
