import { ValidationError, type FieldIssue } from './errors.js';
import { cleanText, codePoints, TEXT, textIssue } from './text.js';

export type Role = 'customer' | 'admin';

/** A user's profile. Credentials never live here, so a user image can travel the change feed safely. */
export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
  version: number;
}

/** Who is calling, as proven by a verified token. */
export interface Principal {
  userId: string;
  email: string;
  role: Role;
}

/** What other customers may see of a user. */
export interface PublicUser {
  id: string;
  name: string;
}

export const USER_LIMITS = { emailMax: 254, nameMax: 100, passwordMin: 10, passwordMax: 256 } as const;

export const USER_TEXT = {
  email: TEXT.email(USER_LIMITS.emailMax),
  name: TEXT.line(USER_LIMITS.nameMax),
  /** A password may be any text, spaces included, but must be text: no control characters or lone surrogates. */
  password: TEXT.paragraph(USER_LIMITS.passwordMax),
} as const;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function validateSignUp(input: { email: string; password: string; name: string }): { email: string; password: string; name: string } {
  const issues: FieldIssue[] = [];
  const cleanEmail = cleanText(input.email, 'email', USER_TEXT.email, issues);
  const email = cleanEmail === null ? '' : normalizeEmail(cleanEmail);
  const name = cleanText(input.name, 'name', USER_TEXT.name, issues) ?? '';
  const passwordIssue = typeof input.password === 'string' ? textIssue(input.password, USER_TEXT.password) : 'must be text';
  if (passwordIssue) issues.push({ field: 'password', detail: passwordIssue });
  else if (codePoints(input.password) < USER_LIMITS.passwordMin) {
    issues.push({ field: 'password', detail: `must be ${USER_LIMITS.passwordMin} to ${USER_LIMITS.passwordMax} characters` });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return { email, name, password: input.password };
}

export function toPublicUser(u: Pick<User, 'id' | 'name'>): PublicUser {
  return { id: u.id, name: u.name };
}
