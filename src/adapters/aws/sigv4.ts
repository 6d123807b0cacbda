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
