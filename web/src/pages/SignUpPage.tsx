import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { ApiError, fieldErrorMap } from '../api/client';
import { useApi } from '../app/services';
import { useStartSession } from '../auth/useSignIn';
import { describeError, TextField } from '../components/ui';
import { useDocumentTitle } from '../lib/hooks';

const PASSWORD_MIN = 10;

export default function SignUpPage() {
  useDocumentTitle('Create an account');
  const api = useApi();
  const [params] = useSearchParams();
  const startSession = useStartSession();
  const [form, setForm] = useState({ name: '', email: '', password: '' });
  const signUp = useMutation({
    mutationFn: async () => {
      await api.signUp({ name: form.name.trim(), email: form.email.trim(), password: form.password });
      return api.signIn(form.email.trim(), form.password);
    },
    onSuccess: startSession,
  });
  const errors = fieldErrorMap(signUp.error);
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [name]: e.target.value }));

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    signUp.mutate();
  }

  const hasFieldErrors = signUp.error instanceof ApiError && signUp.error.fieldErrors.length > 0;
  return (
    <div className="auth-page">
      <h1>Create an account</h1>
      <form className="panel form" onSubmit={onSubmit} noValidate>
        {signUp.error !== null && (
          <p className="notice notice-error" role="alert">
            {hasFieldErrors ? 'Some details need fixing: see the fields marked below.' : describeError(signUp.error)}
          </p>
        )}
        <TextField label="Your name" autoComplete="name" required value={form.name} error={errors.name} onChange={set('name')} />
        <TextField label="Email" type="email" autoComplete="email" required value={form.email} error={errors.email} onChange={set('email')} />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN}
          hint={`At least ${PASSWORD_MIN} characters.`}
          value={form.password}
          error={errors.password}
          onChange={set('password')}
        />
        <button type="submit" className="button button-primary button-block" disabled={signUp.isPending || signUp.isSuccess}>
          {signUp.isPending ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to={`/signin?${params.toString()}`}>Sign in</Link>
      </p>
    </div>
  );
}
