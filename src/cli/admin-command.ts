import { randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import { openRecordStore } from '../composition.js';
import { normalizeEmail, validateSignUp } from '../domain/user.js';

/** Promotes (or creates) an admin. A created account gets a random password, shown once and never stored in clear. */
export async function runAdminCreate(config: Config, rawEmail: string): Promise<void> {
  const email = normalizeEmail(rawEmail);
  // The record and Cognito only: a laptop outside the VPC can make the first admin of a deployed store.
  const store = await openRecordStore(config);
  try {
    let user = await store.users.findByEmail(email);
    let password: string | null = null;
    if (!user) {
      password = randomBytes(18).toString('base64url');
      const input = validateSignUp({ email, password, name: email.split('@')[0] ?? email });
      user = await store.identity.signUp(input);
    }
    await store.users.setRole(user.id, 'admin');
    console.log(`${email} is now an admin. Sign in again to get a token that carries the admin role.`);
    if (password) console.log(`A new account was created. Its password, shown only this once: ${password}`);
  } finally {
    await store.close();
  }
}
