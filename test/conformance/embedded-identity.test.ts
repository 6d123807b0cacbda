import { join } from 'node:path';
import { LocalIdentity } from '../../src/adapters/embedded/local-identity.js';
import { openSqliteSystemOfRecord } from '../../src/adapters/embedded/sqlite-system-of-record.js';
import { tempDir } from '../support/temp-dir.js';
import { identityConformance } from './identity.js';

identityConformance(async () => {
  const dir = tempDir('bookstore-identity-');
  const sor = openSqliteSystemOfRecord(join(dir.path, 'store.db'));
  const identity = await LocalIdentity.open({
    users: sor.users,
    keyFile: join(dir.path, 'keys', 'jwt-signing-key.json'),
    scryptCost: 16384,
    tokenTtlSeconds: 600,
  });
  return {
    identity,
    users: sor.users,
    async close() {
      await sor.close();
      dir.remove();
    },
  };
});
