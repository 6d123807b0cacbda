import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FieldIssue } from '../domain/errors.js';
import { LONE_SURROGATE } from '../domain/text.js';
import { HttpProblem } from './problem.js';

export const MAX_URL_LENGTH = 4096;
/** Deeper JSON than any of our bodies has (a shipping address is two levels) is an attack, not a request. */
export const MAX_JSON_DEPTH = 16;

const CONTROL = /[\u0000-\u001f\u007f]/;
/** RFC 3986: a URL is printable ASCII; anything else must be percent-encoded (raw bytes would be read as Latin-1). */
const NOT_URL_TEXT = /[^\u0021-\u007e]/;
const DOT_SEGMENT = /^\.{1,2}$/;

function badUrl(field: 'path' | 'query', detail: string): HttpProblem {
  return new HttpProblem(400, field === 'path' ? 'bad-path' : 'bad-query', `the ${field} ${detail}`, {}, [{ field, detail }]);
}

function decoded(component: string): string | null {
  try {
    return decodeURIComponent(component);
  } catch {
    return null;
  }
}

/**
 * Refuses a URL no route or file may be asked for, before anything looks it up: not percent-encoded
 * UTF-8, control characters (NUL), backslashes, `.`/`..` segments however encoded, or an encoded `/`.
 */
export function checkUrl(url: string): void {
  if (url.length > MAX_URL_LENGTH) {
    throw new HttpProblem(414, 'uri-too-long', `URLs are limited to ${MAX_URL_LENGTH} characters`, {}, [{ field: 'path', detail: 'is too long' }]);
  }
  if (NOT_URL_TEXT.test(url)) throw badUrl('path', 'holds raw bytes that must be percent-encoded UTF-8');
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  for (const segment of path.split('/')) {
    const text = decoded(segment);
    if (text === null) throw badUrl('path', 'is not valid percent-encoded UTF-8');
    if (CONTROL.test(text) || text.includes('\\') || text.includes('/') || DOT_SEGMENT.test(text)) throw badUrl('path', 'holds a character or segment that is never served');
  }
  if (queryAt === -1) return;
  for (const pair of url.slice(queryAt + 1).split('&')) {
    for (const part of pair.split('=')) if (decoded(part.replace(/\+/g, ' ')) === null) throw badUrl('query', 'is not valid percent-encoded UTF-8');
  }
}

/** Request bodies are never compressed here: a gzip bomb is refused before a byte of it is read. */
export function checkContentEncoding(request: FastifyRequest): void {
  const coding = request.headers['content-encoding'];
  if (coding !== undefined && coding.trim().toLowerCase() !== 'identity') {
    throw new HttpProblem(415, 'unsupported-content-encoding', 'send the body uncompressed (no Content-Encoding)', {}, [
      { field: 'Content-Encoding', detail: 'is not supported' },
    ]);
  }
}

/**
 * Walks a parsed JSON value without recursion: too deep, a number JSON.parse turned into ±Infinity,
 * or a string (or key) with a lone surrogate escape such as "\ud800", which is not Unicode text.
 */
export function jsonIssue(value: unknown): FieldIssue | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'number' && !Number.isFinite(v)) return { field: path || 'body', detail: 'must be a finite number' };
    if (typeof v === 'string' && LONE_SURROGATE.test(v)) return { field: path || 'body', detail: 'must be Unicode text (it holds a lone surrogate)' };
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { field: path || 'body', detail: `nests deeper than ${MAX_JSON_DEPTH} levels` };
    for (const [key, child] of Object.entries(v)) {
      if (LONE_SURROGATE.test(key)) return { field: path || 'body', detail: 'has a field name that is not Unicode text' };
      stack.push({ value: child, path: path ? `${path}/${key}` : key, depth: depth + 1 });
    }
  }
  return null;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * JSON bodies must be valid UTF-8 (never silently turned into U+FFFD), bounded in depth, with
 * finite numbers; then Fastify's own parser (prototype-poisoning checks included) reads them.
 */
export function installJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = strictUtf8.decode(body as Buffer);
    } catch {
      done(new HttpProblem(400, 'malformed-json', 'the request body is not valid UTF-8', {}, [{ field: 'body', detail: 'is not valid UTF-8' }]), undefined);
      return;
    }
    parseJson(request, text, (error, parsed) => {
      if (error) return done(error, undefined);
      const issue = jsonIssue(parsed);
      if (issue) return done(new HttpProblem(400, 'malformed-json', `${issue.field}: ${issue.detail}`, {}, [issue]), undefined);
      done(null, parsed);
    });
  });
}
