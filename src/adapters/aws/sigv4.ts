import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * The headers that authenticate the WebSocket handshake to a Neptune endpoint with IAM: a SigV4
 * signature of `GET <https url of the endpoint>` for the service `neptune-db`, with the SDK's default
 * credentials (environment, profile, or the Lambda role). Neptune checks them at the handshake only.
 */
export async function neptuneHandshakeHeaders(gremlinUrl: string, region: string, credentials = defaultProvider()): Promise<Record<string, string>> {
  const url = new URL(gremlinUrl);
  const signer = new SignatureV4({ service: 'neptune-db', region, credentials, sha256: Hash.bind(null, 'sha256') });
  const signed = await signer.sign({
    method: 'GET',
    protocol: 'https:',
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: {},
    headers: { host: url.host },
  });
  return signed.headers;
}

/** Who connects to which cache, for an ElastiCache IAM authentication token. */
export interface ElastiCacheTokenRequest {
  /** The ElastiCache user's id, which IAM authentication requires to equal its name. */
  userId: string;
  /** The replication group id, or the serverless cache's name. */
  cacheName: string;
  serverless: boolean;
  region: string;
}

/** An IAM authentication token lives this long; ElastiCache refuses it afterwards. */
export const ELASTICACHE_TOKEN_TTL_SECONDS = 900;

/** Query-string encoding as SigV4 canonicalizes it (RFC 3986: encodeURIComponent leaves !'()* alone). */
const rfc3986 = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The password for an IAM-enabled ElastiCache user: a SigV4-presigned `GET http://<cache>/?Action=connect
 * &User=<user>` (plus `&ResourceType=ServerlessCache` for a serverless cache) for the service
 * `elasticache`, valid 15 minutes, without its `http://`. ElastiCache checks it at AUTH/HELLO only, so
 * a connection outlives its token; a new connection needs a fresh one (see redis-client.ts).
 */
export async function elastiCacheAuthToken(
  request: ElastiCacheTokenRequest,
  credentials = defaultProvider(),
  signingDate: Date = new Date(),
): Promise<string> {
  const signer = new SignatureV4({ service: 'elasticache', region: request.region, credentials, sha256: Hash.bind(null, 'sha256') });
  const query: Record<string, string> = { Action: 'connect', User: request.userId };
  if (request.serverless) query.ResourceType = 'ServerlessCache';
  const presigned = await signer.presign(
    { method: 'GET', protocol: 'http:', hostname: request.cacheName, path: '/', query, headers: { host: request.cacheName } },
    { expiresIn: ELASTICACHE_TOKEN_TTL_SECONDS, signingDate },
  );
  const pairs = Object.entries(presigned.query ?? {}).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string').map((v) => `${rfc3986(name)}=${rfc3986(v)}`),
  );
  return `${request.cacheName}/?${pairs.join('&')}`;
}
