import { Type, type TSchema } from 'typebox';
import { ANY_TEXT_PATTERN, EMAIL_PATTERN, VISIBLE_TEXT_PATTERN, type TextRule } from '../domain/text.js';

/**
 * The JSON Schema of a free-text field under one of the domain's text rules (src/domain/text.ts):
 * the same pattern and bounds, so the contract refuses exactly what the domain would.
 */
export function textSchema(rule: TextRule, options: { minLength?: number; description?: string; examples?: unknown[] } = {}) {
  const pattern = rule.kind === 'visible' ? VISIBLE_TEXT_PATTERN : rule.kind === 'email' ? EMAIL_PATTERN : ANY_TEXT_PATTERN;
  const minLength = options.minLength ?? (rule.kind === 'any' ? 0 : 1);
  return Type.String({ ...options, minLength, maxLength: rule.max, pattern });
}

export type TextSchema = ReturnType<typeof textSchema> & TSchema;
