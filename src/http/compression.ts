import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import negotiate from '@fastify/accept-negotiator';
import type { FastifyInstance } from 'fastify';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Below this a compressed body saves less than the headers it adds. */
const MIN_BYTES = 1024;
/** JSON (including problem+json), text, XML and JavaScript: what shrinks. */
const COMPRESSIBLE = /^(text\/|application\/([\w.-]+\+)?(json|xml|javascript)\b|image\/svg\+xml)/;
/** Brotli first: a search page of JSON comes out about a fifth smaller than with gzip. */
const ENCODINGS = ['br', 'gzip'];
/**
 * Quality 4 compresses a 50 KiB answer in well under a millisecond; brotli's default (11) is meant
 * for files compressed once at build time, as the web app's are, and costs tens of milliseconds.
 */
const BROTLI_QUALITY = 4;

function compressor(encoding: string): (body: Buffer) => Promise<Buffer> {
  return encoding === 'br'
    ? (body) => brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
    : (body) => gzipAsync(body, { level: 5 });
}

/**
 * Compresses the API's answers (JSON, problem+json, the OpenAPI document, sitemap.xml) with brotli
 * or gzip, whichever the client prefers. Streams are left alone: they are the web app's files,
 * which the build compresses ahead of time and @fastify/static sends as they are. Runs in the
 * Lambda too, whose handler returns an encoded body as base64, because CloudFront does not compress
 * answers it is told not to cache.
 *
 * Hand-written rather than @fastify/compress: that plugin decides what is compressible from the
 * whole mime-db (about 180 KB), which would push the HTTP function past its bundle budget, for the
 * handful of types this API serves.
 *
 * The ETag stays as it is: it names the book's version, which is what If-Match compares, and a
 * client must be able to send back the tag of a compressed answer.
 */
export function installCompression(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    const type = reply.getHeader('content-type');
    if (typeof type !== 'string' || !COMPRESSIBLE.test(type) || reply.hasHeader('content-encoding')) return payload;
    // Whether or not this answer is compressed, the same URL may be for another client.
    reply.header('vary', appendVary(reply.getHeader('vary')));
    if (request.method === 'HEAD') return payload;
    const accepted = request.headers['accept-encoding'];
    const encoding = typeof accepted === 'string' ? negotiate(accepted, ENCODINGS) : null;
    if (encoding === null) return payload;
    // Encoded only now: a search page is tens of KB, and a client that takes no encoding gets the string as it is.
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    if (body.length < MIN_BYTES) return payload;
    const compressed = await compressor(encoding)(body);
    reply.header('content-encoding', encoding);
    reply.removeHeader('content-length');
    return compressed;
  });
}

function appendVary(current: unknown): string {
  const existing = typeof current === 'string' ? current : Array.isArray(current) ? current.join(', ') : '';
  if (/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(existing)) return existing;
  return existing === '' ? 'accept-encoding' : `${existing}, accept-encoding`;
}
