import { useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Acquaintance, FriendList } from '../api/types';
import { useApi, useSession, userKey } from '../app/services';
import { describeError, EmptyState, ErrorNotice, Loading, SkeletonLines } from '../components/ui';
import { useDocumentTitle } from '../lib/hooks';
import { formatDate } from '../lib/format';

function useFriendActions() {
  const api = useApi();
  const session = useSession();
  const queryClient = useQueryClient();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: userKey(session, 'friends') });
    void queryClient.invalidateQueries({ queryKey: userKey(session, 'recommendations') });
  };
  const befriend = useMutation({ mutationFn: (userId: string) => api.befriend(userId), onSuccess: refresh });
  const unfriend = useMutation({ mutationFn: (userId: string) => api.unfriend(userId), onSuccess: refresh });
  return { befriend, unfriend };
}

function relation(list: FriendList | undefined, userId: string): 'friend' | 'incoming' | 'outgoing' | null {
  if (!list) return null;
  if (list.friends.some((f) => f.id === userId)) return 'friend';
  if (list.incoming.some((f) => f.id === userId)) return 'incoming';
  if (list.outgoing.some((f) => f.id === userId)) return 'outgoing';
  return null;
}

function FindPeople({ list }: { list: FriendList | undefined }) {
  const api = useApi();
  const session = useSession();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const people = useQuery({ queryKey: userKey(session, 'people', q), queryFn: ({ signal }) => api.findPeople(q, signal), enabled: q !== '' });
  const { befriend } = useFriendActions();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setQ(text.trim());
  }

  return (
    <section className="panel" aria-labelledby="find-people">
      <h2 id="find-people">Find people</h2>
      <form className="inline-form" onSubmit={onSubmit} role="search" aria-label="People">
        <label htmlFor="people-q">Name or exact email</label>
        <input id="people-q" type="search" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />
        <button type="submit" className="button button-secondary">
          Find
        </button>
      </form>
      {q !== '' &&
        (people.isPending ? (
          <Loading label="Finding people…">
            <SkeletonLines count={2} />
          </Loading>
        ) : people.error ? (
          <ErrorNotice error={people.error} onRetry={() => void people.refetch()} />
        ) : people.data.length === 0 ? (
          <p className="muted" role="status">
            No one matches “{q}”. Try their full name or the email they signed up with.
          </p>
        ) : (
          <ul className="people-list" aria-label="People found">
            {people.data.map((p) => {
              const rel = relation(list, p.id);
              const pending = befriend.isPending && befriend.variables === p.id;
              return (
                <li key={p.id}>
                  <span>{p.name}</span>
                  {rel === 'friend' ? (
                    <span className="muted">Friends</span>
                  ) : rel === 'outgoing' ? (
                    <span className="muted">Request sent</span>
                  ) : (
                    <button type="button" className="button button-secondary" disabled={pending} onClick={() => befriend.mutate(p.id)}>
                      {rel === 'incoming' ? 'Accept' : 'Add friend'}
                      <span className="visually-hidden"> {p.name}</span>
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        ))}
      {befriend.error && (
        <p className="notice notice-error" role="alert">
          {describeError(befriend.error)}
        </p>
      )}
    </section>
  );
}

function PeopleSection({ title, people, empty, actions }: {
  title: string;
  people: Acquaintance[];
  empty: string;
  actions: (person: Acquaintance) => ReactNode;
}) {
  const id = `friends-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return (
    <section className="panel" aria-labelledby={id}>
      <h2 id={id}>
        {title} <span className="muted">({people.length})</span>
      </h2>
      {people.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul className="people-list">
          {people.map((p) => (
            <li key={p.id}>
              <span>
                {p.name} <span className="muted small">since {formatDate(p.since)}</span>
              </span>
              <span className="actions">{actions(p)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export default function FriendsPage() {
  useDocumentTitle('Friends');
  const api = useApi();
  const session = useSession();
  const friends = useQuery({ queryKey: userKey(session, 'friends'), queryFn: ({ signal }) => api.friends(signal) });
  const { befriend, unfriend } = useFriendActions();
  const busy = (userId: string) => (befriend.isPending && befriend.variables === userId) || (unfriend.isPending && unfriend.variables === userId);

  return (
    <>
      <h1>Friends</h1>
      <p className="muted">Friends see each other’s purchases as recommendations. A friendship starts when both of you agree.</p>
      <FindPeople list={friends.data} />
      {unfriend.error && (
        <p className="notice notice-error" role="alert">
          {describeError(unfriend.error)}
        </p>
      )}
      {friends.isPending ? (
        <Loading label="Loading your friends…">
          <SkeletonLines count={4} />
        </Loading>
      ) : friends.error ? (
        <ErrorNotice error={friends.error} onRetry={() => void friends.refetch()} />
      ) : (
        <>
          {friends.data.incoming.length > 0 && (
            <PeopleSection
              title="Requests for you"
              people={friends.data.incoming}
              empty=""
              actions={(p) => (
                <>
                  <button type="button" className="button button-primary" disabled={busy(p.id)} onClick={() => befriend.mutate(p.id)}>
                    Accept<span className="visually-hidden"> {p.name}</span>
                  </button>
                  <button type="button" className="button button-link" disabled={busy(p.id)} onClick={() => unfriend.mutate(p.id)}>
                    Decline<span className="visually-hidden"> {p.name}</span>
                  </button>
                </>
              )}
            />
          )}
          {friends.data.friends.length === 0 && friends.data.outgoing.length === 0 && friends.data.incoming.length === 0 ? (
            <EmptyState title="No friends yet.">
              <p>Find people above by name or email and add them.</p>
            </EmptyState>
          ) : (
            <>
              <PeopleSection
                title="Your friends"
                people={friends.data.friends}
                empty="No accepted friends yet."
                actions={(p) => (
                  <button type="button" className="button button-link" disabled={busy(p.id)} onClick={() => unfriend.mutate(p.id)}>
                    Remove<span className="visually-hidden"> {p.name}</span>
                  </button>
                )}
              />
              {friends.data.outgoing.length > 0 && (
                <PeopleSection
                  title="Waiting for an answer"
                  people={friends.data.outgoing}
                  empty=""
                  actions={(p) => (
                    <button type="button" className="button button-link" disabled={busy(p.id)} onClick={() => unfriend.mutate(p.id)}>
                      Cancel request<span className="visually-hidden"> to {p.name}</span>
                    </button>
                  )}
                />
              )}
            </>
          )}
        </>
      )}
    </>
  );
}
