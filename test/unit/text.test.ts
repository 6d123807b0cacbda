import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { cleanText, TEXT, textIssue, type TextRule } from '../../src/domain/text.js';
import { textSchema } from '../../src/http/text-schema.js';
import type { FieldIssue } from '../../src/domain/errors.js';

const ajv = new Ajv({ strict: true });

/** Samples over the ranges the rules care about: controls, separators, invisible, bidi, noncharacters, astral. */
function samples(): string[] {
  const points = [0x00, 0x09, 0x0a, 0x1f, 0x20, 0x41, 0x7f, 0x85, 0x9f, 0xa0, 0xad, 0xe9, 0x200b, 0x200d, 0x2028, 0x202e, 0x2066, 0x3164, 0xfdd0, 0xfe0f, 0xfeff, 0xfffd, 0xfffe, 0x1f600];
  const out = [''];
  for (const a of points) {
    out.push(String.fromCodePoint(a));
    for (const b of points) out.push(String.fromCodePoint(a, b), `x${String.fromCodePoint(a)}y${String.fromCodePoint(b)}`);
  }
  return out;
}

describe('text rules (src/domain/text.ts)', () => {
  it('refuses NUL, controls, noncharacters, lone surrogates and invisible-only names; keeps real text', () => {
    const line = TEXT.line(20);
    for (const bad of ['\u0000', 'a\u0000', 'a\u001b', 'a\u0085', 'a\u2028b', 'a\ud800', '\udc00', 'a\ufffe', '\u200b', ' \u200b\ufeff ', '\u202eabc', 'abc\u2066']) {
      expect(textIssue(bad, line), JSON.stringify(bad)).not.toBeNull();
    }
    for (const good of ['Ada', 'Zoë', '李白', 'محمد', 'a\u200db', '😀', 'Émile Zola']) expect(textIssue(good, line), good).toBeNull();
    expect(textIssue('x'.repeat(21), line)).toMatch(/at most 20/);
    expect(textIssue('😀'.repeat(20), line)).toBeNull();
  });

  it('normalizes what it keeps: NFC, trimmed, white space folded on one line', () => {
    const issues: FieldIssue[] = [];
    expect(cleanText('  Ade\u0300le \t Hugo ', 'name', TEXT.line(50), issues)).toBe('Adèle Hugo');
    expect(cleanText(' line one\nline two ', 'description', TEXT.paragraph(50), issues)).toBe('line one\nline two');
    expect(issues).toEqual([]);
  });

  it('agrees with the schema pattern the API publishes on every sample', () => {
    const rules: TextRule[] = [TEXT.line(8), TEXT.paragraph(8), TEXT.optionalLine(8), TEXT.email(40)];
    let compared = 0;
    for (const rule of rules) {
      const validate = ajv.compile(textSchema(rule));
      for (const sample of samples()) {
        const text = rule.kind === 'email' ? `a${sample}@b.co` : sample;
        // Lone surrogates are the one rule outside the pattern: the request parser refuses them first.
        if (/\p{Cs}/u.test(text)) continue;
        expect(validate(text), `${rule.kind} ${JSON.stringify(text)}`).toBe(textIssue(text, rule) === null);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(2000);
  });
});
