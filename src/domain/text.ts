import type { FieldIssue } from './errors.js';

/**
 * The rules every free-text field of the store follows (names, titles, addresses, descriptions,
 * search text), in one place. The same expressions are the `pattern`s of the API's schemas, so the
 * published contract and the domain refuse exactly the same text.
 *
 * Refused anywhere: C0 and C1 control characters (NUL…) but tab, newline and carriage return; the
 * line and paragraph separators; the noncharacters U+FDD0–U+FDEF, U+FFFE, U+FFFF; and lone UTF-16
 * surrogates (text that is not Unicode). The surrogates are checked apart from the patterns, which
 * other regex engines (Rust's, Python's tools) must read too and which cannot name a lone
 * surrogate there; the request parser refuses them (and invalid UTF-8, instead of turning it into
 * U+FFFD) before any schema runs.
 */
const FORBIDDEN = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u2028\\u2029\\ufdd0-\\ufdef\\ufffe\\uffff';

/** Bidi overrides and isolates reorder what is shown around them: never in a one-line field. */
const BIDI_CONTROLS = '\\u202a-\\u202e\\u2066-\\u2069';

/**
 * Characters that show nothing by themselves (bidi controls apart): white space, zero-width and
 * joiner characters, bidi marks, variation selectors, fillers, the BOM. A name made only of these
 * looks empty. Written out rather than `\s`, whose meaning differs between regex engines.
 */
const INVISIBLE =
  '\\t\\n\\r \\u00a0\\u00ad\\u034f\\u061c\\u115f\\u1160\\u1680\\u17b4\\u17b5\\u180b-\\u180f\\u2000-\\u200f\\u202f\\u205f-\\u2065\\u206a-\\u206f\\u3000\\u3164\\ufe00-\\ufe0f\\ufeff\\uffa0';

/** Text with at least one visible character (names, titles, address lines). Linear: no backtracking. */
export const VISIBLE_TEXT_PATTERN = `^[${INVISIBLE}]*[^${FORBIDDEN}${INVISIBLE}${BIDI_CONTROLS}][^${FORBIDDEN}${BIDI_CONTROLS}]*$`;
/** Text that may be empty or blank (a description, a second address line, a search). */
export const ANY_TEXT_PATTERN = `^[^${FORBIDDEN}]*$`;
/** `local@domain.tld`, no white space but around it, nothing forbidden, one `@`. */
export const EMAIL_PATTERN = `^[ \\t]*[^${FORBIDDEN}${INVISIBLE}${BIDI_CONTROLS}@]+@[^${FORBIDDEN}${INVISIBLE}${BIDI_CONTROLS}@]+\\.[^${FORBIDDEN}${INVISIBLE}${BIDI_CONTROLS}@]+[ \\t]*$`;

/** A surrogate not part of a pair: with the `u` flag, only lone ones are code points of category Cs. */
export const LONE_SURROGATE = /\p{Cs}/u;
const visibleText = new RegExp(VISIBLE_TEXT_PATTERN, 'u');
const anyText = new RegExp(ANY_TEXT_PATTERN, 'u');
const email = new RegExp(EMAIL_PATTERN, 'u');

/** Length in Unicode code points, as JSON Schema's maxLength counts (an emoji is one, not two). */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

export interface TextRule {
  /** `visible`: at least one visible character; `any`: may be empty; `email`: an address. */
  kind: 'visible' | 'any' | 'email';
  max: number;
  /** Fold white-space runs into one space (one-line fields); otherwise only the ends are trimmed. */
  oneLine: boolean;
}

/** Why `value` breaks `rule`, or null. Lengths are checked on the text as sent, as the schema does. */
export function textIssue(value: string, rule: TextRule): string | null {
  if (LONE_SURROGATE.test(value)) return 'must be Unicode text (it holds a lone surrogate)';
  if (codePoints(value) > rule.max) return `must be at most ${rule.max} characters`;
  const pattern = rule.kind === 'visible' ? visibleText : rule.kind === 'email' ? email : anyText;
  if (pattern.test(value)) return null;
  if (rule.kind === 'email') return 'must be an email address';
  if (!anyText.test(value)) return 'must not hold control characters or noncharacters';
  return rule.kind === 'visible' ? 'must hold at least one visible character and no bidi control' : 'is not allowed';
}

/**
 * Checks `value` against `rule` and returns it normalized (NFC, trimmed, white space folded on one
 * line), or pushes an issue for `field` and returns null.
 */
export function cleanText(value: unknown, field: string, rule: TextRule, issues: FieldIssue[]): string | null {
  if (typeof value !== 'string') {
    issues.push({ field, detail: 'must be text' });
    return null;
  }
  const issue = textIssue(value, rule);
  if (issue) {
    issues.push({ field, detail: issue });
    return null;
  }
  const normalized = value.normalize('NFC');
  return rule.oneLine ? normalized.replace(/\s+/g, ' ').trim() : normalized.trim();
}

export const TEXT = {
  /** A person's name, a book title, an author, a category, an address line. */
  line: (max: number): TextRule => ({ kind: 'visible', max, oneLine: true }),
  /** A description: may be empty, keeps its lines. */
  paragraph: (max: number): TextRule => ({ kind: 'any', max, oneLine: false }),
  /** A line that may be empty: a second address line, a search. */
  optionalLine: (max: number): TextRule => ({ kind: 'any', max, oneLine: true }),
  email: (max: number): TextRule => ({ kind: 'email', max, oneLine: true }),
} as const;
