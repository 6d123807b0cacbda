import type { Config } from '../config.js';
import { accountErasure } from '../app/account-deletion.js';
import { openRecordStore } from '../composition.js';
import { NotFoundError } from '../domain/errors.js';

/**
 * `bookstore account delete <email> --yes`: the operator's deletion of an account, as `DELETE /me`
 * does it but without the password (a request by mail, or a deletion that failed after the
 * credentials went and left a profile nobody can sign in to). Writes the record and identity only, so
 * a laptop outside a deployment's VPC can run it; the derived stores follow through the change feed.
 * Answers the exit code: 0 deleted, 1 no such account.
 */
export async function runAccountDelete(config: Config, email: string): Promise<number> {
  const store = await openRecordStore(config);
  try {
    const user = await accountErasure(store).eraseByEmail(email);
    console.log(`Deleted the account ${user.email} (${user.id}): profile, credentials, cart, friendships and reviews; its orders are kept without personal data.`);
    if (user.role === 'admin') console.log('It was an admin account: check that the store still has an admin (bookstore admin create <email>).');
    return 0;
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    console.error(`bookstore: no account has the email ${error.key}; nothing was deleted`);
    return 1;
  } finally {
    await store.close();
  }
}
