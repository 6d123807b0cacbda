/**
 * Runs the deployed HTTP handler export in a process of its own and invokes it a few times, so a test
 * can read what the function writes to its real stdout: pino lines and EMF lines together.
 * Configuration comes from the environment, as on Lambda.
 */
import { handler } from '../../src/lambda/http-handler.js';
import { httpApiEvent, lambdaContext } from './events.js';

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const email = `stdout.${process.pid}@example.com`;
const password = 'correct horse battery staple';

const answers: number[] = [];
for (const request of [
  { method: 'POST', path: '/api/v1/auth/signup', ...json({ email, password, name: 'Stdout' }) },
  { method: 'POST', path: '/api/v1/auth/login', ...json({ email, password: 'not the password' }) },
  { method: 'GET', path: '/api/v1/search', query: [['q', 'anything']] as Array<[string, string]> },
]) {
  answers.push((await handler(httpApiEvent(request), lambdaContext())).statusCode);
}
await handler.close();
// On stderr, not to mix with what is under test.
process.stderr.write(`${JSON.stringify({ answers })}\n`);
