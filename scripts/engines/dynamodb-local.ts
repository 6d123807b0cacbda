/**
 * DynamoDB Local, AWS's own downloadable DynamoDB (with Streams), from Maven Central.
 *
 * In memory by default; BOOKSTORE_DYNAMODB_DATA_DIR keeps tables on disk instead. `-sharedDb` puts every
 * client in one database whatever its credentials and region, so the app, the tests and the AWS CLI
 * all see the same tables.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installOnce, LOOPBACK, type Engine, type Installed } from './engine.js';
import { javaRuntime } from './java.js';
import { fetchWithMaven } from './maven.js';
import { httpRequest } from './probes.js';

const VERSION = '3.3.1';
/** The sqlite4java release DynamoDBLocal 3.3.1's pom depends on; its native library must match its jar. */
const SQLITE4JAVA_VERSION = '1.0.392';

const launcherSource = fileURLToPath(new URL('./dynamodb-local/LoopbackDynamoDBLocal.java', import.meta.url));

/**
 * Compiles the launcher next to the install when it is missing or older than its source: compiling it
 * on every start (Java's single-file source mode) costs more than DynamoDB Local's own start-up.
 */
function compileLauncher(lib: string, classesDir: string): void {
  const compiled = join(classesDir, 'LoopbackDynamoDBLocal.class');
  if (existsSync(compiled) && statSync(compiled).mtimeMs >= statSync(launcherSource).mtimeMs) return;
  const javac = join(javaRuntime().home, 'bin', 'javac');
  if (!existsSync(javac)) throw new Error(`${javac} is missing: DynamoDB Local's loopback launcher needs a JDK, not only a JRE.`);
  mkdirSync(classesDir, { recursive: true });
  const result = spawnSync(javac, ['-cp', join(lib, '*'), '-d', classesDir, launcherSource], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`Compiling ${launcherSource} failed:\n${result.stderr}`);
}

/** sqlite4java finds its native library by this exact file name in java.library.path. */
function nativeLibrary(): { artifactId: string; type: string; fileName: string } {
  const key = `${process.platform}-${process.arch}`;
  const known: Record<string, { artifactId: string; type: string }> = {
    'linux-x64': { artifactId: 'libsqlite4java-linux-amd64', type: 'so' },
    'darwin-x64': { artifactId: 'libsqlite4java-osx', type: 'dylib' },
    'darwin-arm64': { artifactId: 'libsqlite4java-osx', type: 'dylib' },
  };
  const library = known[key];
  if (!library) throw new Error(`DynamoDB Local's sqlite4java has no native library for ${key} on Maven Central.`);
  return { ...library, fileName: `${library.artifactId}.${library.type}` };
}

export const dynamodbLocal: Engine = {
  name: 'dynamodb',
  title: 'DynamoDB Local',
  portVariable: 'BOOKSTORE_DYNAMODB_PORT',
  defaultPort: 8000,
  readyTimeoutSeconds: 90,
  endpoint: (port) => `http://${LOOPBACK}:${port}`,

  async install(cache, progress): Promise<Installed> {
    const dir = join(cache.installs, `dynamodb-local-${VERSION}`);
    const lib = join(dir, 'lib');
    const nativeDir = join(dir, 'native');
    const native = nativeLibrary();
    const outcome = await installOnce(dir, () =>
      fetchWithMaven(
        cache,
        {
          name: 'dynamodb-local',
          withDependencies: {
            artifacts: [{ groupId: 'software.amazon.dynamodb', artifactId: 'DynamoDBLocal', version: VERSION }],
            outputDirectory: lib,
            includeTypes: 'jar',
          },
          copies: [
            {
              artifact: { groupId: 'com.almworks.sqlite4java', artifactId: native.artifactId, version: SQLITE4JAVA_VERSION, type: native.type },
              outputDirectory: nativeDir,
              destFileName: native.fileName,
            },
          ],
        },
        progress,
      ),
    );
    if (outcome === 'fetched') progress(`installed DynamoDB Local ${VERSION}`);
    return {
      version: VERSION,
      launch: (port) => {
        const classesDir = join(dir, 'launcher');
        compileLauncher(lib, classesDir);
        const dataDir = process.env.BOOKSTORE_DYNAMODB_DATA_DIR;
        if (dataDir) mkdirSync(dataDir, { recursive: true });
        return {
          command: javaRuntime().java,
          args: [
            '-Xmx1g',
            // Throughput over pause times: G1's concurrent threads take cores from everything else on a
            // small machine. Checkout on the engines profile, six runs each: median 101 req/s against 85.
            '-XX:+UseParallelGC',
            `-Djava.library.path=${nativeDir}`,
            `-Dbookstore.bind=${LOOPBACK}`,
            '-cp',
            [classesDir, join(lib, '*')].join(':'),
            'LoopbackDynamoDBLocal',
            ...(dataDir ? ['-dbPath', dataDir] : ['-inMemory']),
            '-sharedDb',
            '-disableTelemetry',
            '-port',
            String(port),
          ],
          cwd: dir,
        };
      },
    };
  },

  async answers(port) {
    // DynamoDB Local checks that a request carries credentials but not that the signature is valid.
    const answer = await httpRequest(`http://${LOOPBACK}:${port}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        authorization: 'AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{}',
    });
    return answer?.status === 200 && answer.body.includes('TableNames');
  },
};
