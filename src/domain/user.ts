import { ValidationError, type FieldIssue } from './errors.js';

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

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function validateSignUp(input: { email: string; password: string; name: string }): { email: string; password: string; name: string } {
  const issues: FieldIssue[] = [];
  const email = normalizeEmail(input.email);
  if (email.length > USER_LIMITS.emailMax || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) issues.push({ field: 'email', detail: 'must be an email address' });
  const name = input.name.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (name.length === 0 || name.length > USER_LIMITS.nameMax) issues.push({ field: 'name', detail: `must be 1 to ${USER_LIMITS.nameMax} characters` });
  if (input.password.length < USER_LIMITS.passwordMin || input.password.length > USER_LIMITS.passwordMax) {
    issues.push({ field: 'password', detail: `must be ${USER_LIMITS.passwordMin} to ${USER_LIMITS.passwordMax} characters` });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return { email, name, password: input.password };
}

export function toPublicUser(u: Pick<User, 'id' | 'name'>): PublicUser {
  return { id: u.id, name: u.name };
}
