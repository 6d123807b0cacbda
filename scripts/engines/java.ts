/**
 * The Java runtime the JVM engines run on: JAVA_HOME if set, else the `java` on PATH. All three JVM
 * engines (DynamoDB Local 3, OpenSearch 2, Gremlin Server 3.8) run on Java 17, the floor checked here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { which } from './process.js';

const MINIMUM_MAJOR = 17;

export interface JavaRuntime {
  home: string;
  java: string;
  major: number;
}

let found: JavaRuntime | undefined;

export function javaRuntime(): JavaRuntime {
  if (found) return found;
  const fromEnv = process.env.JAVA_HOME;
  const onPath = which('java');
  const home = fromEnv && existsSync(join(fromEnv, 'bin', 'java')) ? fromEnv : onPath ? dirname(dirname(realpathSync(onPath))) : undefined;
  if (!home) throw new Error('No Java runtime found: set JAVA_HOME or put Java 17 or newer on PATH.');
  const java = join(home, 'bin', 'java');
  const version = spawnSync(java, ['-version'], { encoding: 'utf8' });
  // `java -version` prints e.g. `openjdk version "17.0.15" 2025-04-15` (or "1.8.0_392" for Java 8) on stderr.
  const quoted = /version "([^"]+)"/.exec(version.stderr ?? '')?.[1] ?? '';
  const parts = quoted.split('.');
  const major = Number(parts[0] === '1' ? parts[1] : parts[0]);
  if (!Number.isInteger(major) || major < MINIMUM_MAJOR) {
    throw new Error(`${java} is Java "${quoted || 'unknown'}"; the engines need Java ${MINIMUM_MAJOR} or newer (set JAVA_HOME).`);
  }
  found = { home, java, major };
  return found;
}
