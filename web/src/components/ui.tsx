import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { ApiError, NetworkError } from '../api/client';
import { formatMoney } from '../lib/money';

/** What went wrong, in words that say what to do next. */
export function describeError(error: unknown): string {
  if (error instanceof NetworkError) return 'We could not reach the store. Check your connection, then try again.';
  if (error instanceof ApiError) {
    if (error.status === 404) return 'We could not find that. It may have been removed; try searching for it.';
    if (error.status === 403) return 'Your account is not allowed to do this.';
    if (error.status === 401) return 'Your session has ended. Sign in again to continue.';
    if (error.status >= 500) return 'The store is having trouble right now. Wait a moment, then try again.';
    if (error.problem?.detail) return capitalize(error.problem.detail);
  }
  return 'Something went wrong. Reload the page and try again.';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function ErrorNotice({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  return (
    <div className="notice notice-error" role="alert">
      {title && <p className="notice-title">{title}</p>}
      <p>{describeError(error)}</p>
      {onRetry && (
        <button type="button" className="button button-secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

/** Placeholder blocks while data loads; screen readers hear one "Loading" instead. */
export function Loading({ label = 'Loading…', children }: { label?: string; children: ReactNode }) {
  return (
    <div aria-busy="true">
      <span className="visually-hidden" role="status">
        {label}
      </span>
      <div aria-hidden="true">{children}</div>
    </div>
  );
}

export function SkeletonLines({ count = 3 }: { count?: number }) {
  return (
    <>
      {Array.from({ length: count }, (_, i) => (
        <div key={i} className="skeleton skeleton-line" style={{ width: `${90 - i * 15}%` }} />
      ))}
    </>
  );
}

export function Price({ amount, currency }: { amount: number; currency: string }) {
  return <span className="price">{formatMoney(amount, currency)}</span>;
}

export function Rating({ value }: { value: number }) {
  return (
    <span className="rating">
      <span aria-hidden="true">★ {value.toFixed(1)}</span>
      <span className="visually-hidden">Rated {value.toFixed(1)} out of 5</span>
    </span>
  );
}

interface FieldProps {
  label: string;
  error?: string | undefined;
  hint?: string;
}

/** A labelled control whose error is read out with it (aria-describedby) and shown next to it. */
function useFieldIds(error: string | undefined, hint: string | undefined) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return { id, hintId, errorId, describedBy };
}

function FieldFrame({ id, label, hint, hintId, error, errorId, children }: FieldProps & { id: string; hintId?: string | undefined; errorId?: string | undefined; children: ReactNode }) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      {children}
      {error && (
        <p className="field-error" id={errorId}>
          {capitalize(error)}
        </p>
      )}
    </div>
  );
}

export function TextField({ label, error, hint, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const ids = useFieldIds(error, hint);
  return (
    <FieldFrame label={label} error={error} hint={hint} {...ids}>
      <input id={ids.id} aria-invalid={error ? true : undefined} aria-describedby={ids.describedBy} {...input} />
    </FieldFrame>
  );
}

export function TextAreaField({ label, error, hint, ...input }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const ids = useFieldIds(error, hint);
  return (
    <FieldFrame label={label} error={error} hint={hint} {...ids}>
      <textarea id={ids.id} aria-invalid={error ? true : undefined} aria-describedby={ids.describedBy} {...input} />
    </FieldFrame>
  );
}

export function SelectField({ label, error, hint, children, ...select }: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const ids = useFieldIds(error, hint);
  return (
    <FieldFrame label={label} error={error} hint={hint} {...ids}>
      <select id={ids.id} aria-invalid={error ? true : undefined} aria-describedby={ids.describedBy} {...select}>
        {children}
      </select>
    </FieldFrame>
  );
}
