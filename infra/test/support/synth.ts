import { Template } from 'aws-cdk-lib/assertions';
import { createApp, type BookstoreApp } from '../../lib/app.js';
import type { ConfigName } from '../../lib/config.js';

let built: { app: BookstoreApp; templates: Record<ConfigName, Template> } | undefined;

/**
 * The whole app (both stacks), synthesized once per test file. Bundling is skipped: these tests read
 * templates, and the compute tests, which check the bundles themselves, build their own app.
 */
export function synthesized(): { app: BookstoreApp; templates: Record<ConfigName, Template> } {
  if (!built) {
    const app = createApp({ props: { context: { 'aws:cdk:bundling-stacks': [] } } });
    built = {
      app,
      templates: { dev: Template.fromStack(app.stacks.dev), prod: Template.fromStack(app.stacks.prod) },
    };
  }
  return built;
}

export type Resource = { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

/** Resources of one type, as [logicalId, resource] pairs. */
export function resourcesOf(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

/** The only resource of a type (fails if there is not exactly one). */
export function only(template: Template, type: string): [string, Resource] {
  const found = resourcesOf(template, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

/** The logical id a `{ Ref }` or `{ Fn::GetAtt: [id, attr] }` points at. */
export function refId(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as Record<string, any>;
    if (typeof v.Ref === 'string') return v.Ref;
    if (Array.isArray(v['Fn::GetAtt'])) return v['Fn::GetAtt'][0];
  }
  return undefined;
}
