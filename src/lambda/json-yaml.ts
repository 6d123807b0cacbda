/**
 * Stands in for the `yaml` package in the Lambda bundles (EXTERNAL_MODULES' neighbour ALIASES in
 * infra/lib/compute/bundle-shape.ts). Its one use there is writing the OpenAPI document as YAML
 * (`/docs/yaml`, `app.swagger({ yaml: true })` in @fastify/swagger and @fastify/swagger-ui), and JSON
 * is YAML 1.2: written as indented JSON, the document is still valid YAML, at no cost in the bundle
 * (the real package is about 115 KB of it). The server (`npm start`) keeps the real package.
 */
export function stringify(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Only JSON, the subset of YAML the functions could meet (nothing of theirs parses YAML). */
export function parse(text: string): unknown {
  return JSON.parse(text);
}

export default { stringify, parse };
