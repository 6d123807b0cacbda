import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * Every test file of the infra project synthesizes apps, and a CDK `App` without an `outdir` writes its
 * cloud assembly to a fresh `cdk.out*` directory under the system temp dir and never removes it
 * (about 600 MB per `npm test`, mostly copied assets). Pointing TMPDIR at a directory of this file's
 * own, removed when the file is done, keeps the assemblies where the test can see them and off the disk after.
 */
const dir = mkdtempSync(join(tmpdir(), 'bookstore-infra-test-'));
process.env.TMPDIR = dir;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
