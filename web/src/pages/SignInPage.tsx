import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { ApiError, fieldErrorMap } from '../api/client';
import { useApi } from '../app/services';
import { useStartSession } from '../auth/useSignIn';
import { describeError, TextField } from '../components/ui';
import { useDocumentTitle } from '../lib/hooks';

function signInError(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) return 'That email and password do not match an account. Check them, or sign up.';
  if (error instanceof ApiError && error.status === 429) return 'Too many sign-in attempts. Wait a minute, then try again.';
  return describeError(error);
}

export default function SignInPage() {
  useDocumentTitle('Sign in');
  const api = useApi();
  const [params] = useSearchParams();
  const startSession = useStartSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({ mutationFn: () => api.signIn(email.trim(), password), onSuccess: startSession });
  const errors = fieldErrorMap(signIn.error);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    signIn.mutate();
  }

  return (
    <div className="auth-page">
      <h1>Sign in</h1>
      {params.get('next') === '/checkout' && (
        <p className="notice" role="status">
          Sign in to check out. Your cart comes with you.
        </p>
      )}
      {params.get('expired') === '1' && (
        <p className="notice" role="status">
          Your session has ended. Sign in again to carry on where you were.
        </p>
      )}
      <form className="panel form" onSubmit={onSubmit} noValidate>
        {signIn.error !== null && (
          <p className="notice notice-error" role="alert">
            {signInError(signIn.error)}
          </p>
        )}
        <TextField label="Email" type="email" autoComplete="email" required value={email} error={errors.email} onChange={(e) => setEmail(e.target.value)} />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          error={errors.password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" className="button button-primary button-block" disabled={signIn.isPending || signIn.isSuccess}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        New here? <Link to={`/signup?${params.toString()}`}>Create an account</Link>
      </p>
    </div>
  );
}
