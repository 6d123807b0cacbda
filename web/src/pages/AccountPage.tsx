import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/client';
import { useApi, useSession, useSessionStore, userKey } from '../app/services';
import { describeError, ErrorNotice, Loading, SkeletonLines, TextField } from '../components/ui';
import { formatDate } from '../lib/format';
import { useDocumentTitle } from '../lib/hooks';

/** Why the deletion was refused, in words that say what to do next. */
function deletionError(error: unknown): { password?: string; notice?: string } {
  if (error instanceof ApiError) {
    if (error.fieldErrors.some((f) => f.field === 'password')) return { password: 'That is not the password of this account. Type it again.' };
    if (error.status === 429) return { notice: 'Too many wrong passwords. Wait a minute, then try again.' };
    if (error.status === 403 && error.problem?.detail) return { notice: describeError(new ApiError(422, error.problem)) };
  }
  return { notice: describeError(error) };
}

function DeleteAccount() {
  const api = useApi();
  const store = useSessionStore();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const remove = useMutation({
    mutationFn: () => api.deleteAccount(password),
    onSuccess: () => {
      // The account's tokens no longer work: forget the session and everything cached for it.
      store.clear('signed-out');
      queryClient.removeQueries({ queryKey: ['user'] });
      navigate('/account/deleted', { replace: true });
    },
  });
  const refused = remove.error ? deletionError(remove.error) : {};

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    remove.mutate();
  }

  return (
    <section className="panel" aria-labelledby="delete-account">
      <h2 id="delete-account">Delete account</h2>
      <p>
        Deleting your account removes your profile, sign-in, cart, friends and reviews (books you rated lose your stars). The store keeps your orders for its
        books, without your name, address or anything that leads back to you. This cannot be undone.
      </p>
      {!open ? (
        <button type="button" className="button button-danger" onClick={() => setOpen(true)}>
          Delete my account…
        </button>
      ) : (
        <form className="form" onSubmit={onSubmit} noValidate aria-label="Confirm account deletion">
          {refused.notice && (
            <p className="notice notice-error" role="alert">
              {refused.notice}
            </p>
          )}
          <TextField
            label="Your password, to confirm"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            error={refused.password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <div className="button-row">
            <button type="submit" className="button button-danger" disabled={remove.isPending || password === ''}>
              {remove.isPending ? 'Deleting…' : 'Delete my account for good'}
            </button>
            <button
              type="button"
              className="button button-secondary"
              onClick={() => {
                setOpen(false);
                setPassword('');
                remove.reset();
              }}
            >
              Keep my account
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

export default function AccountPage() {
  useDocumentTitle('Your account');
  const api = useApi();
  const session = useSession();
  const me = useQuery({ queryKey: userKey(session, 'me'), queryFn: ({ signal }) => api.me(signal) });

  return (
    <div>
      <h1>Your account</h1>
      <section className="panel" aria-labelledby="profile">
        <h2 id="profile">Profile</h2>
        {me.isPending ? (
          <Loading label="Loading your account…">
            <SkeletonLines count={3} />
          </Loading>
        ) : me.error ? (
          <ErrorNotice error={me.error} onRetry={() => void me.refetch()} />
        ) : (
          <dl className="summary">
            <div>
              <dt>Name</dt>
              <dd>{me.data.name}</dd>
            </div>
            <div>
              <dt>Email</dt>
              <dd>{me.data.email}</dd>
            </div>
            <div>
              <dt>Member since</dt>
              <dd>{formatDate(me.data.createdAt)}</dd>
            </div>
          </dl>
        )}
        <p>
          <Link to="/orders">Your orders</Link> · <Link to="/friends">Your friends</Link>
        </p>
      </section>
      {me.data?.role === 'admin' ? (
        <section className="panel" aria-labelledby="delete-account">
          <h2 id="delete-account">Delete account</h2>
          <p className="muted">An admin account cannot delete itself, so the store never loses its last admin. Ask the operator of the store.</p>
        </section>
      ) : (
        <DeleteAccount />
      )}
    </div>
  );
}
