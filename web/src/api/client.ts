import type { SessionStore } from '../auth/session';
import type { FieldError, Problem } from './types';

/** The server answered with an error status; `problem` is its problem+json body when it sent one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problem?.detail ?? `the server answered ${status}`);
  }

  get code(): string | undefined {
    return this.problem?.code;
  }

  get fieldErrors(): FieldError[] {
    return this.problem?.errors ?? [];
  }
}

/** The request never got an answer (offline, connection reset, server down). */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(cause: unknown) {
    super('the store could not be reached', { cause });
  }
}

export interface ApiResponse<T> {
  data: T;
  status: number;
  headers: Headers;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined | null>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

export interface ApiClientOptions {
  /** Origin (and path prefix) of the API; '' means the origin the page came from. */
  baseUrl: string;
  session: SessionStore;
  fetch?: typeof fetch;
}

export interface ApiClient {
  request<T>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
}

function buildUrl(baseUrl: string, path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const search = params.toString();
  return `${baseUrl.replace(/\/$/, '')}${path}${search ? `?${search}` : ''}`;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  const type = response.headers.get('content-type') ?? '';
  return type.includes('json') ? (JSON.parse(text) as unknown) : text;
}

function asProblem(body: unknown, status: number): Problem | null {
  if (typeof body !== 'object' || body === null || !('detail' in body)) return null;
  return { ...(body as Problem), status };
}

/**
 * Every call to the API goes through here: the bearer token is added when signed in, and a 401 to a
 * call that carried one clears the session (the app then sends the user to sign in again).
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  return {
    async request<T>(method: string, path: string, request: RequestOptions = {}): Promise<ApiResponse<T>> {
      const session = options.session.get();
      const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
      if (session) headers.authorization = `Bearer ${session.token}`;
      if (request.body !== undefined) headers['content-type'] = 'application/json';

      let response: Response;
      try {
        response = await doFetch(buildUrl(options.baseUrl, path, request.query), {
          method,
          headers,
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          signal: request.signal,
        });
      } catch (error) {
        if (request.signal?.aborted) throw error;
        throw new NetworkError(error);
      }

      let body: unknown;
      try {
        body = await readBody(response);
      } catch (error) {
        if (request.signal?.aborted) throw error;
        throw response.ok ? new NetworkError(error) : new ApiError(response.status, null);
      }
      if (!response.ok) {
        if (response.status === 401 && session) options.session.clear('expired');
        throw new ApiError(response.status, asProblem(body, response.status));
      }
      return { data: body as T, status: response.status, headers: response.headers };
    },
  };
}

/** Field errors keyed by the last segment of their path (`shippingAddress/city` → `city`). */
export function fieldErrorMap(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const map: Record<string, string> = {};
  for (const { field, detail } of error.fieldErrors) {
    const name = field.split('/').filter((p) => !/^\d+$/.test(p)).pop() ?? field;
    map[name] ??= detail;
  }
  return map;
}
