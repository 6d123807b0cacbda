/**
 * Domain errors. They say what went wrong in the store's own terms; `src/http/problem.ts`
 * is the one place that turns them into HTTP answers.
 */

/** One thing wrong with the input, named by a JSON-pointer-like path (`quantity`, `authors/2`). */
export interface FieldIssue {
  field: string;
  detail: string;
}

export abstract class DomainError extends Error {
  override readonly name: string = 'DomainError';
}

/** The input breaks a rule of the domain; `issues` names each wrong field. */
export class ValidationError extends DomainError {
  override readonly name = 'ValidationError';
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[] | FieldIssue, options?: ErrorOptions) {
    const list = Array.isArray(issues) ? issues : [issues];
    super(list.map((i) => `${i.field}: ${i.detail}`).join('; '), options);
    this.issues = list;
  }
}

export class NotFoundError extends DomainError {
  override readonly name = 'NotFoundError';
  constructor(
    readonly entity: string,
    readonly key: string,
  ) {
    super(`${entity} ${key} does not exist`);
  }
}

/**
 * The request is valid but the current state forbids it (email taken, cart empty, cart changed
 * under a checkout). `code` is a stable machine-readable reason.
 */
export class ConflictError extends DomainError {
  override readonly name = 'ConflictError';
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Optimistic concurrency: the caller's version (ETag) is not the stored one. */
export class PreconditionFailedError extends DomainError {
  override readonly name = 'PreconditionFailedError';
  constructor(
    readonly entity: string,
    readonly key: string,
    readonly currentVersion: number,
  ) {
    super(`${entity} ${key} has changed (now at version ${currentVersion})`);
  }
}

/** No valid credentials: missing, expired or wrong token, or a wrong password. */
export class AuthenticationError extends DomainError {
  override readonly name = 'AuthenticationError';
}

/** Valid credentials, but this principal may not do this; `field` names the input that decided it, if one did. */
export class ForbiddenError extends DomainError {
  override readonly name = 'ForbiddenError';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * A component the request needs is down (an engine, a derived store). Reads that depend on it
 * answer 503; nothing was written.
 */
export class UnavailableError extends DomainError {
  override readonly name = 'UnavailableError';
  constructor(
    readonly component: string,
    options?: ErrorOptions,
  ) {
    super(`${component} is unavailable`, options);
  }
}

/**
 * Too many attempts of something costly or guessable (signing in, signing up) in the current window;
 * nothing was checked or written. The caller may try again after `retryAfterSeconds`.
 */
export class TooManyAttemptsError extends DomainError {
  override readonly name = 'TooManyAttemptsError';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The payment provider refused the card (HTTP 402): nothing was created or charged. */
export class PaymentDeclinedError extends DomainError {
  override readonly name = 'PaymentDeclinedError';
}
