/**
 * OpenSearch 2.19 from its integration-test zip on Maven Central, on the machine's Java 17.
 *
 * That zip is the bare engine: no security plugin (so nothing to disable) and only the netty transport
 * module. The modules the search adapter needs and that every real OpenSearch (and Amazon OpenSearch
 * Service) ships are added from their jars on Maven Central: analysis-common (edge_ngram, asciifolding,
 * language analyzers), mapper-extras (search_as_you_type) and lang-painless, which analysis-common
 * extends. Their descriptors are written here because Central publishes the jars, not the module zips.
 *
 * OpenSearch refuses to start as root and, unlike Elasticsearch 7, has no switch to allow it. As root,
 * it runs in a user namespace where it is uid 1000 but its files stay root's: the cache under /root
 * (mode 700) stays readable without a dedicated user or loosened permissions.
 */
import { copyFileSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installOnce, LOOPBACK, type Engine, type Installed, type LaunchSpec } from './engine.js';
import { javaRuntime } from './java.js';
import { fetchWithMaven, type Artifact } from './maven.js';
import { which } from './process.js';
import { httpRequest } from './probes.js';

const VERSION = '2.19.6';
const CLUSTER_NAME = 'bookstore-engines';
const HEAP = '512m';

const plugin = (artifactId: string, exclusions?: Artifact['exclusions']): Artifact => ({
  groupId: 'org.opensearch.plugin',
  artifactId,
  version: VERSION,
  ...(exclusions ? { exclusions } : {}),
});

interface Module {
  name: string;
  description: string;
  classname: string;
  extends?: string;
  /** Java security policy the module's code needs, as in the module's own plugin-security.policy. */
  policy?: string;
}

const MODULES: Module[] = [
  {
    name: 'lang-painless',
    description: 'An easy, safe and fast scripting language for OpenSearch',
    classname: 'org.opensearch.painless.PainlessPlugin',
    policy: 'grant {\n  permission java.lang.RuntimePermission "createClassLoader";\n  permission java.lang.RuntimePermission "getClassLoader";\n};\n',
  },
  {
    name: 'analysis-common',
    description: 'Adds "built in" analyzers to OpenSearch.',
    classname: 'org.opensearch.analysis.common.CommonAnalysisPlugin',
    extends: 'lang-painless',
  },
  { name: 'mapper-extras', description: 'Adds advanced field mappers', classname: 'org.opensearch.index.mapper.MapperExtrasPlugin' },
];

function writeModuleDescriptors(home: string): void {
  for (const module of MODULES) {
    const dir = join(home, 'modules', module.name);
    writeFileSync(
      join(dir, 'plugin-descriptor.properties'),
      [
        `description=${module.description}`,
        `version=${VERSION}`,
        `name=${module.name}`,
        `classname=${module.classname}`,
        'java.version=11',
        `opensearch.version=${VERSION}`,
        'custom.foldername=',
        `extended.plugins=${module.extends ?? ''}`,
        'has.native.controller=false',
        '',
      ].join('\n'),
    );
    if (module.policy) writeFileSync(join(dir, 'plugin-security.policy'), module.policy);
  }
}

function writeConfig(home: string, varDir: string, port: number): string {
  const config = join(varDir, 'config');
  mkdirSync(config, { recursive: true });
  for (const dir of ['data', 'logs', 'tmp']) mkdirSync(join(varDir, dir), { recursive: true });
  copyFileSync(join(home, 'config', 'log4j2.properties'), join(config, 'log4j2.properties'));
  const jvmOptions = readFileSync(join(home, 'config', 'jvm.options'), 'utf8')
    .replace(/^-Xms\S+$/m, `-Xms${HEAP}`)
    .replace(/^-Xmx\S+$/m, `-Xmx${HEAP}`);
  writeFileSync(join(config, 'jvm.options'), jvmOptions);
  writeFileSync(
    join(config, 'opensearch.yml'),
    [
      '# Written by scripts/engines/opensearch.ts on every `up`; edits here are overwritten.',
      `cluster.name: ${CLUSTER_NAME}`,
      'node.name: bookstore-engines-1',
      `path.data: ${join(varDir, 'data')}`,
      `path.logs: ${join(varDir, 'logs')}`,
      `network.host: ${LOOPBACK}`,
      `http.port: ${port}`,
      'discovery.type: single-node',
      // A nearly full developer disk must not flip the indices to read-only mid-test.
      'cluster.routing.allocation.disk.threshold_enabled: false',
      '',
    ].join('\n'),
  );
  return config;
}

/** As root, a user namespace in which OpenSearch is not root but its files are still the caller's. */
function dropRoot(spec: LaunchSpec): LaunchSpec {
  if (process.getuid?.() !== 0) return spec;
  const unshare = which('unshare');
  if (!unshare) throw new Error('OpenSearch will not run as root and `unshare` (util-linux) is missing: run `npm run engines` as a normal user.');
  return { ...spec, command: unshare, args: ['--user', '--map-user=1000', '--map-group=1000', '--', spec.command, ...spec.args] };
}

export const opensearch: Engine = {
  name: 'opensearch',
  title: 'OpenSearch',
  portVariable: 'BOOKSTORE_OPENSEARCH_PORT',
  defaultPort: 9200,
  readyTimeoutSeconds: 180,
  endpoint: (port) => `http://${LOOPBACK}:${port}`,

  async install(cache, progress): Promise<Installed> {
    const dir = join(cache.installs, `opensearch-${VERSION}`);
    const home = join(dir, `opensearch-${VERSION}`);
    const modules = join(home, 'modules');
    const outcome = await installOnce(dir, async () => {
      await fetchWithMaven(
        cache,
        {
          name: 'opensearch',
          unpacks: [
            {
              artifact: { groupId: 'org.opensearch.distribution.integ-test-zip', artifactId: 'opensearch', version: VERSION, type: 'zip' },
              outputDirectory: dir,
            },
          ],
          withDependencies: {
            // Painless compiles against the server jar, which is already in lib/; a second copy is jar hell.
            artifacts: [plugin('lang-painless', [{ groupId: 'org.opensearch', artifactId: 'opensearch' }])],
            outputDirectory: join(modules, 'lang-painless'),
            includeTypes: 'jar',
          },
          copies: [
            { artifact: plugin('analysis-common'), outputDirectory: join(modules, 'analysis-common') },
            { artifact: plugin('mapper-extras-client'), outputDirectory: join(modules, 'mapper-extras') },
          ],
        },
        progress,
      );
      writeModuleDescriptors(home);
    });
    if (outcome === 'fetched') progress(`installed OpenSearch ${VERSION} with ${MODULES.map((m) => m.name).join(', ')}`);
    return {
      version: VERSION,
      launch: (port) => {
        const java = javaRuntime();
        if (java.major >= 24) {
          throw new Error(`OpenSearch ${VERSION} needs Java 17 to 23 (it relies on the Security Manager, which Java 24 removed); ${java.home} is Java ${java.major}: set JAVA_HOME`);
        }
        const varDir = join(cache.data, 'opensearch');
        const config = writeConfig(home, varDir, port);
        return dropRoot({
          // Through bash: Maven's unpack does not keep the scripts' executable bits.
          command: 'bash',
          args: [join(home, 'bin', 'opensearch')],
          // jvm.options writes heap dumps and GC logs relative to the working directory.
          cwd: varDir,
          env: {
            ...process.env,
            OPENSEARCH_JAVA_HOME: java.home,
            OPENSEARCH_PATH_CONF: config,
            OPENSEARCH_TMPDIR: join(varDir, 'tmp'),
            OPENSEARCH_JAVA_OPTS: '',
          },
        });
      },
    };
  },

  async answers(port) {
    const answer = await httpRequest(`http://${LOOPBACK}:${port}/_cluster/health`);
    if (answer?.status !== 200) return false;
    try {
      const health = JSON.parse(answer.body) as { status?: string };
      return health.status === 'green' || health.status === 'yellow';
    } catch {
      return false;
    }
  },
};
