import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { EmulatedFunction, Invocation } from '../../scripts/lambda-rie/emulator.js';
import { httpApiEvent, viaCloudFront, type EventRequest } from '../lambda/events.js';

export interface Answer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Parsed JSON when the answer is JSON, the text otherwise, null when empty. */
  body: any;
  /** The invocation behind it: the function's stdout lines, its REPORT duration. */
  invocation: Invocation<APIGatewayProxyStructuredResultV2>;
}

export type ApiRequest = EventRequest & { token?: string; json?: unknown };

/**
 * Sends API Gateway HTTP API (payload 2.0) events to an emulated function and reads its answers as
 * HTTP. Given the function's origin secret (LocalStack.originSecret), it plays CloudFront: every
 * event carries the secret and the request's `sourceIp` as CloudFront-Viewer-Address.
 */
export function httpApiClient(fn: EmulatedFunction, originSecret: string | null = null): (request: ApiRequest) => Promise<Answer> {
  return async (sent) => {
    const request = originSecret === null ? sent : { ...sent, ...viaCloudFront(sent, originSecret) };
    const headers: Record<string, string> = { ...request.headers };
    if (request.token) headers.authorization = `Bearer ${request.token}`;
    let body = request.body;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    }
    const invocation = await fn.invoke<APIGatewayProxyStructuredResultV2>(httpApiEvent({ ...request, headers, ...(body !== undefined ? { body } : {}) }));
    if (invocation.failed) throw new Error(`the function failed: ${JSON.stringify(invocation.payload)}\n${fn.stderr().slice(-10).join('\n')}`);
    const result = invocation.payload;
    const answerHeaders = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
    const text = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64').toString('utf8') : (result.body ?? '');
    const type = answerHeaders['content-type'] ?? '';
    return { status: result.statusCode ?? 200, headers: answerHeaders, body: text === '' ? null : type.includes('json') ? JSON.parse(text) : text, invocation };
  };
}
