import { Ajv, type Options } from 'ajv';
import ajvFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = ((ajvFormats as unknown as { default?: typeof ajvFormats }).default ?? ajvFormats) as unknown as (ajv: Ajv) => Ajv;

/**
 * Unknown fields are errors, never silently dropped (`removeAdditional: false`), and only the first
 * error is reported (`allErrors: false`, the DoS-safe choice).
 */
const common: Options = { removeAdditional: false, useDefaults: true, allErrors: false, strict: true, strictRequired: false };

/** JSON bodies are typed by the client, so a string "3" where a number belongs is a mistake: no coercion. */
const bodyAjv = addFormats(new Ajv({ ...common, coerceTypes: false }));

/** Query strings, path parameters and headers are always text, so they are converted to the declared types. */
const textAjv = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : textAjv).compile(schema);
