import type { FastifyInstance } from 'fastify';

/** The only methods routes of this server answer: any other (TRACE, QUERY, PROPFIND…) is 405 wherever it is sent. */
const ANSWERED = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

interface Entry {
  pattern: RegExp;
  methods: Set<string>;
}

function patternOf(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/**
 * Which methods the routes declared for a path answer, so a request with another method gets 405
 * with `Allow` (RFC 9110 §15.5.6) instead of a 404 that says the resource does not exist.
 * Wildcard routes (the web app's files) are left out: they would claim every path.
 */
export class RouteMethods {
  private readonly entries = new Map<string, Entry>();

  install(app: FastifyInstance): void {
    app.addHook('onRoute', (route) => {
      if (route.url.includes('*')) return;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const entry = this.entries.get(route.url) ?? { pattern: patternOf(route.url), methods: new Set<string>() };
      for (const m of methods) entry.methods.add(String(m).toUpperCase());
      this.entries.set(route.url, entry);
    });
  }

  /** The methods allowed on `path`, empty when no route has it. */
  allowedOn(path: string): string[] {
    const allowed = new Set<string>();
    for (const entry of this.entries.values()) if (entry.pattern.test(path)) for (const m of entry.methods) allowed.add(m);
    return [...allowed].sort();
  }

  /** Whether `method` on `path` is a known path asked with a method it does not answer (or one never answered). */
  isWrongMethod(method: string, path: string): boolean {
    return !this.isAnswered(method) || this.allowedOn(path).length > 0;
  }

  /** Whether any route answers `method` at all; checked before a body is read, so TRACE or QUERY never get that far. */
  isAnswered(method: string): boolean {
    return ANSWERED.has(method.toUpperCase());
  }
}
