/**
 * The Content-Security-Policy values the server sends, in a module of their own (no Fastify import):
 * the CDK app puts APP_CSP on the storefront's files at CloudFront, so the page gets the same policy
 * whether `serve` or S3 delivers it.
 */

/** The API only ever returns data: nothing may run, load or frame it. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Swagger UI loads its own scripts, styles and images from this server, and calls the API. */
export const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * The storefront (its page and files): its own scripts and styles only (no inline script, no
 * eval), API calls to this origin, images from here, data: URLs, or a catalog entry's https cover.
 */
export const APP_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "img-src 'self' data: https:",
  "manifest-src 'self'",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');
