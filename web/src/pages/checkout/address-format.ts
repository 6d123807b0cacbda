import type { ShippingAddress } from '../../api/types';
import { COUNTRIES } from './countries';
import { US_STATES } from './us-states';

type Field = keyof ShippingAddress;

/** What each country calls its postal code, what it looks like, and where the post office wants it written. */
interface PostalFormat {
  label: string;
  pattern: RegExp;
  example: string;
  /** The line with the city: `{city}`, `{postalCode}`, `{state}`. */
  cityLine: string;
  /** Countries whose mail needs a state: what the form calls it and the choices, by code. */
  states?: { label: string; options: ReadonlyArray<{ code: string; name: string }> };
}

const DEFAULT_FORMAT: PostalFormat = { label: 'Postal code', pattern: /^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$/, example: '1000', cityLine: '{postalCode} {city}' };

const FORMATS: Record<string, Partial<PostalFormat>> = {
  US: { label: 'ZIP code', pattern: /^\d{5}(-\d{4})?$/, example: '94103', cityLine: '{city}, {state} {postalCode}', states: { label: 'State', options: US_STATES } },
  GB: { label: 'Postcode', pattern: /^[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}$/, example: 'SW1A 1AA', cityLine: '{city}\n{postalCode}' },
  CA: { pattern: /^[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d$/, example: 'K1A 0B1', cityLine: '{city} {postalCode}' },
  AU: { label: 'Postcode', pattern: /^\d{4}$/, example: '2000', cityLine: '{city} {postalCode}' },
  NZ: { label: 'Postcode', pattern: /^\d{4}$/, example: '6011', cityLine: '{city} {postalCode}' },
  IE: { label: 'Eircode', pattern: /^[A-Za-z\d]{3} ?[A-Za-z\d]{4}$/, example: 'D02 X285', cityLine: '{city}\n{postalCode}' },
  JP: { pattern: /^\d{3}-?\d{4}$/, example: '100-0001', cityLine: '〒{postalCode} {city}' },
  BR: { label: 'CEP', pattern: /^\d{5}-?\d{3}$/, example: '01310-100', cityLine: '{city} {postalCode}' },
  IN: { label: 'PIN code', pattern: /^\d{6}$/, example: '110001', cityLine: '{city} {postalCode}' },
  SG: { pattern: /^\d{6}$/, example: '018956', cityLine: '{city} {postalCode}' },
  NL: { label: 'Postcode', pattern: /^\d{4} ?[A-Za-z]{2}$/, example: '1012 AB' },
  DE: { label: 'Postleitzahl', pattern: /^\d{5}$/, example: '10115' },
  FR: { pattern: /^\d{5}$/, example: '75001' },
  ES: { pattern: /^\d{5}$/, example: '28001' },
  IT: { label: 'CAP', pattern: /^\d{5}$/, example: '00184' },
  MX: { pattern: /^\d{5}$/, example: '06000' },
  FI: { pattern: /^\d{5}$/, example: '00100' },
  SE: { pattern: /^\d{3} ?\d{2}$/, example: '111 22' },
  PL: { pattern: /^\d{2}-\d{3}$/, example: '00-001' },
  PT: { pattern: /^\d{4}-\d{3}$/, example: '1000-001' },
  AT: { pattern: /^\d{4}$/, example: '1010' },
  BE: { pattern: /^\d{4}$/, example: '1000' },
  CH: { pattern: /^\d{4}$/, example: '8001' },
  DK: { pattern: /^\d{4}$/, example: '1050' },
  NO: { pattern: /^\d{4}$/, example: '0150' },
};

export function postalFormat(country: string): PostalFormat {
  return { ...DEFAULT_FORMAT, ...FORMATS[country] };
}

/**
 * Every problem with an address at once, in plain words, before it is sent: the server checks the
 * same again (its words are for programs), so this only spares a shopper a round trip per field.
 */
export function addressProblems(address: ShippingAddress): Partial<Record<Field, string>> {
  const problems: Partial<Record<Field, string>> = {};
  const blank = (value: string | undefined) => (value ?? '').trim() === '';
  if (blank(address.name)) problems.name = 'Enter the name of the person the books go to.';
  if (blank(address.line1)) problems.line1 = 'Enter the street address.';
  if (blank(address.city)) problems.city = 'Enter the town or city.';
  const format = postalFormat(address.country);
  // In the order the form shows them (city, state, postal code), so the first one gets the focus.
  if (format.states && !format.states.options.some((s) => s.code === address.state)) problems.state = `Choose the ${format.states.label.toLowerCase()}.`;
  if (blank(address.postalCode)) problems.postalCode = `Enter the ${format.label.toLowerCase()}.`;
  else if (!format.pattern.test(address.postalCode.trim())) problems.postalCode = `Enter the ${format.label.toLowerCase()} as it is written on letters there, such as ${format.example}.`;
  if (!COUNTRIES.some((c) => c.code === address.country)) problems.country = 'Choose a country from the list.';
  return problems;
}

/** What the API takes of an address: the state only where the country has one, no empty second line. */
export function addressForApi(address: ShippingAddress): ShippingAddress {
  const { line2, state, ...required } = address;
  return {
    ...required,
    ...(line2 && line2.trim() !== '' ? { line2 } : {}),
    ...(postalFormat(address.country).states && state ? { state } : {}),
  };
}

/** The lines of an address as the post office of its country wants them. */
export function addressLines(address: ShippingAddress): string[] {
  const format = postalFormat(address.country);
  const country = COUNTRIES.find((c) => c.code === address.country)?.name ?? address.country;
  // Orders placed before addresses had a state print without it, and without its comma.
  const cityLine = (address.state ? format.cityLine : format.cityLine.replace(', {state}', ''))
    .replace('{city}', address.city)
    .replace('{state}', address.state ?? '')
    .replace('{postalCode}', address.postalCode);
  return [address.name, address.line1, ...(address.line2 ? [address.line2] : []), ...cityLine.split('\n'), country];
}
