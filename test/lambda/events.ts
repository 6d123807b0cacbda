import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';

/**
 * API Gateway proxy events shaped as AWS documents them (and @types/aws-lambda types them), for a
 * `$default` HTTP API stage and a REST API `{proxy+}` resource on stage `prod`.
 */
export interface EventRequest {
  method: string;
  path: string;
  /** Repeated keys allowed, as a browser would send them. */
  query?: Array<[string, string]>;
  headers?: Record<string, string>;
  /** Sent as is; with `base64`, encoded as API Gateway does for a binary body. */
  body?: string;
  base64?: boolean;
  sourceIp?: string;
}

const ACCOUNT = '123456789012';
const API_ID = 'a1b2c3d4e5';
const DOMAIN = `${API_ID}.execute-api.eu-west-1.amazonaws.com`;
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) bookstore-test';

function encodedBody(request: EventRequest): { body: string | undefined; isBase64Encoded: boolean } {
  if (request.body === undefined) return { body: undefined, isBase64Encoded: false };
  return request.base64
    ? { body: Buffer.from(request.body, 'utf8').toString('base64'), isBase64Encoded: true }
    : { body: request.body, isBase64Encoded: false };
}

/** A CloudFront edge server: behind CloudFront, API Gateway's sourceIp for every shopper it serves. */
export const EDGE_ADDRESS = '130.176.12.34';

/**
 * The request as CloudFront passes it on to the API: the origin secret of its config, the viewer's
 * address (the request's `sourceIp`) with a port in CloudFront-Viewer-Address, and an edge server
 * as the source address API Gateway sees.
 */
export function viaCloudFront(request: EventRequest, originSecret: string, port = 443): EventRequest {
  const viewer = request.sourceIp ?? '203.0.113.10';
  return { ...request, sourceIp: EDGE_ADDRESS, headers: { ...request.headers, 'x-origin-verify': originSecret, 'cloudfront-viewer-address': `${viewer}:${port}` } };
}

/** HTTP API, payload format 2.0: lower-case headers, repeated query keys joined by commas in the map. */
export function httpApiEvent(request: EventRequest): APIGatewayProxyEventV2 {
  const query = request.query ?? [];
  const rawQueryString = new URLSearchParams(query).toString();
  const joined: Record<string, string> = {};
  for (const [key, value] of query) joined[key] = key in joined ? `${joined[key]},${value}` : value;
  const headers: Record<string, string> = {
    accept: 'application/json',
    host: DOMAIN,
    'user-agent': USER_AGENT,
    'x-forwarded-for': request.sourceIp ?? '203.0.113.10',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678',
  };
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  const { body, isBase64Encoded } = encodedBody(request);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.path,
    rawQueryString,
    headers,
    ...(query.length > 0 ? { queryStringParameters: joined } : {}),
    requestContext: {
      accountId: ACCOUNT,
      apiId: API_ID,
      domainName: DOMAIN,
      domainPrefix: API_ID,
      http: { method: request.method, path: request.path, protocol: 'HTTP/1.1', sourceIp: request.sourceIp ?? '203.0.113.10', userAgent: USER_AGENT },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: '$default',
      stage: '$default',
      time: '25/Nov/2026:01:30:00 +0000',
      timeEpoch: 1795570200000,
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded,
  };
}

/** REST API, payload format 1.0: headers as sent plus multiValue twins, on a `{proxy+}` resource. */
export function restApiEvent(request: EventRequest): APIGatewayProxyEvent {
  const query = request.query ?? [];
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [key, value] of query) {
    single[key] = value; // API Gateway keeps the last value in the single-value map
    (multi[key] ??= []).push(value);
  }
  const headers: Record<string, string> = {
    Accept: 'application/json',
    Host: DOMAIN,
    'User-Agent': USER_AGENT,
    'X-Forwarded-For': request.sourceIp ?? '203.0.113.10',
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
    ...request.headers,
  };
  const { body, isBase64Encoded } = encodedBody(request);
  const requestId = randomUUID();
  return {
    resource: '/{proxy+}',
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: query.length > 0 ? single : null,
    multiValueQueryStringParameters: query.length > 0 ? multi : null,
    pathParameters: { proxy: request.path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: ACCOUNT,
      apiId: API_ID,
      authorizer: null,
      domainName: DOMAIN,
      domainPrefix: API_ID,
      extendedRequestId: 'BQGojGuXoAMFZ6A=',
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp ?? '203.0.113.10',
        user: null,
        userAgent: USER_AGENT,
        userArn: null,
      },
      path: `/prod${request.path}`,
      protocol: 'HTTP/1.1',
      requestId,
      requestTimeEpoch: 1795570200000,
      resourceId: 'abc123',
      resourcePath: '/{proxy+}',
      stage: 'prod',
    },
    body: body ?? null,
    isBase64Encoded,
  };
}

export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'bookstore-http',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:bookstore-http`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/bookstore-http',
    logStreamName: '2026/11/25/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => 29_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
