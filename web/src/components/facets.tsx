import { useId } from 'react';
import type { SearchResult } from '../api/types';
import { formatMoneyShort } from '../lib/money';

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
