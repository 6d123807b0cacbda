import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, fieldErrorMap } from '../../api/client';
import type { VersionedBook } from '../../api/endpoints';
import type { Book, BookFields } from '../../api/types';
import { useApi, useSession } from '../../app/services';
import { describeError, ErrorNotice, Loading, SkeletonLines, TextAreaField, TextField } from '../../components/ui';
import { useDocumentTitle } from '../../lib/hooks';
import { Forbidden } from './AdminPage';
import { changedFields, displayValue, EMPTY_FORM, FIELD_LABELS, fieldsOf, formOf, type BookForm } from './book-form';

interface Conflict {
  latest: VersionedBook;
  mine: Partial<BookFields>;
}

function ConflictPanel({ conflict, base, onReapply, onDiscard, busy }: {
  conflict: Conflict;
  base: Book;
  onReapply: () => void;
  onDiscard: () => void;
  busy: boolean;
}) {
  const theirs = conflict.latest.book;
  const keys = (Object.keys(FIELD_LABELS) as Array<keyof BookFields>).filter(
    (k) => k in conflict.mine || JSON.stringify(theirs[k]) !== JSON.stringify(base[k]),
  );
  return (
    <section className="notice notice-warn conflict" role="alert" aria-labelledby="conflict-title">
      <h2 id="conflict-title">Someone else changed this book while you were editing</h2>
      <p>Your changes are not saved yet. Here is the newer version next to yours:</p>
      <div className="table-scroll">
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Newer version</th>
              <th scope="col">Your change</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k}>
                <th scope="row">{FIELD_LABELS[k]}</th>
                <td>{displayValue(theirs, k, theirs.currency)}</td>
                <td>{k in conflict.mine ? displayValue(conflict.mine, k, theirs.currency) : <span className="muted">unchanged</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="button-row">
        <button type="button" className="button button-primary" onClick={onReapply} disabled={busy}>
          Apply my changes to the newer version
        </button>
        <button type="button" className="button button-secondary" onClick={onDiscard} disabled={busy}>
          Discard my changes
        </button>
      </p>
    </section>
  );
}

export default function BookEditorPage() {
  const api = useApi();
  const session = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const bookId = useParams().id;
  const creating = bookId === undefined;
  useDocumentTitle(creating ? 'Add a book' : 'Edit book');

  const loaded = useQuery({
    queryKey: ['admin', 'book', bookId],
    queryFn: ({ signal }) => api.book(bookId!, signal),
    enabled: !creating,
    staleTime: 0,
    gcTime: 0,
  });
  const categories = useQuery({ queryKey: ['categories'], queryFn: ({ signal }) => api.categories(signal), staleTime: 5 * 60_000 });

  // The version the admin started from: its ETag goes in If-Match, its values decide what changed.
  const [base, setBase] = useState<VersionedBook | null>(null);
  const [form, setForm] = useState<BookForm>(EMPTY_FORM);
  const [clientErrors, setClientErrors] = useState<Partial<Record<keyof BookFields, string>>>({});
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    if (loaded.data && base === null) {
      setBase(loaded.data);
      setForm(formOf(loaded.data.book));
    }
  }, [loaded.data, base]);

  if (!session) return null;
  if (session.user.role !== 'admin') return <Forbidden email={session.user.email} />;

  function saved(book: Book, verb: string) {
    queryClient.removeQueries({ queryKey: ['book', book.id] });
    for (const key of ['admin', 'books', 'search', 'bestsellers', 'categories']) void queryClient.invalidateQueries({ queryKey: [key] });
    navigate('/admin', { state: { flash: `${verb} “${book.title}”. Search and bestsellers show it within moments.` } });
  }

  async function update(from: VersionedBook, changes: Partial<BookFields>) {
    setSaving(true);
    setError(null);
    try {
      const updated = await api.updateBook(from.book.id, from.etag, changes);
      saved(updated.book, 'Saved');
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 412) {
        try {
          setConflict({ latest: await api.book(from.book.id), mine: changes });
        } catch (reloadFailure) {
          setError(reloadFailure);
        }
      } else setError(failure);
      setSaving(false);
    }
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setNotice(null);
    const { fields, errors } = fieldsOf(form);
    setClientErrors(errors);
    if (Object.keys(errors).length > 0) return;
    if (creating) {
      setSaving(true);
      setError(null);
      try {
        saved(await api.createBook(fields), 'Added');
      } catch (failure) {
        setError(failure);
        setSaving(false);
      }
      return;
    }
    if (!base) return;
    const changes = changedFields(fields, base.book);
    if (Object.keys(changes).length === 0) {
      setNotice('Nothing has changed yet.');
      return;
    }
    await update(base, changes);
  }

  function reapply() {
    if (!conflict) return;
    const { latest, mine } = conflict;
    setBase(latest);
    setForm(formOf({ ...latest.book, ...mine }));
    setConflict(null);
    void update(latest, mine);
  }

  function discard() {
    if (!conflict) return;
    setBase(conflict.latest);
    setForm(formOf(conflict.latest.book));
    setConflict(null);
    setError(null);
  }

  if (!creating && loaded.isPending) {
    return (
      <Loading label="Loading the book…">
        <div className="skeleton skeleton-heading" />
        <SkeletonLines count={8} />
      </Loading>
    );
  }
  if (!creating && loaded.error) {
    return (
      <>
        <h1>Edit book</h1>
        <ErrorNotice error={loaded.error} onRetry={() => void loaded.refetch()} />
        <p>
          <Link to="/admin">Back to the catalog</Link>
        </p>
      </>
    );
  }

  const serverErrors = fieldErrorMap(error);
  const errorOf = (name: keyof BookFields) => clientErrors[name] ?? serverErrors[name];
  const input = (name: keyof BookForm) => ({
    name,
    value: form[name],
    error: errorOf(name),
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [name]: e.target.value })),
  });
  const hasFieldErrors = error instanceof ApiError && error.fieldErrors.length > 0;

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/admin">Admin</Link> <span aria-hidden="true">›</span> <span>{creating ? 'New book' : base?.book.title}</span>
      </nav>
      <h1>{creating ? 'Add a book' : `Edit “${base?.book.title ?? ''}”`}</h1>
      {conflict && base && <ConflictPanel conflict={conflict} base={base.book} onReapply={reapply} onDiscard={discard} busy={saving} />}
      <form className="panel form editor" onSubmit={(e) => void onSubmit(e)} noValidate>
        {error !== null && (
          <p className="notice notice-error" role="alert">
            {hasFieldErrors ? 'Some fields need fixing: see the messages next to them.' : describeError(error)}
          </p>
        )}
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <TextField label="Title" required {...input('title')} />
        <TextAreaField label="Authors" hint="One author per line." rows={2} required {...input('authors')} />
        <div className="field-row">
          <TextField label="Category" list="category-options" required {...input('category')} />
          <TextField label="ISBN" inputMode="numeric" hint="ISBN-10 or ISBN-13; hyphens are fine." required {...input('isbn')} />
        </div>
        <datalist id="category-options">
          {categories.data?.map((c) => (
            <option key={c.name} value={c.name} />
          ))}
        </datalist>
        <div className="field-row">
          <TextField label="Price" inputMode="decimal" hint="In the currency below, e.g. 12.99." required {...input('price')} />
          <TextField label="Currency" maxLength={3} hint="ISO 4217 code, e.g. USD." required {...input('currency')} />
        </div>
        <div className="field-row">
          <TextField label="Rating" inputMode="decimal" hint="0 to 5." {...input('rating')} />
          <TextField label="Copies in stock" inputMode="numeric" hint="Leave empty to sell without counting." {...input('stock')} />
          <TextField label="Year" inputMode="numeric" {...input('year')} />
        </div>
        <TextField label="Cover URL" type="url" hint="Optional. Leave empty for a generated cover." {...input('coverUrl')} />
        <TextAreaField label="Description" rows={6} {...input('description')} />
        <p className="button-row">
          <button type="submit" className="button button-primary" disabled={saving || conflict !== null}>
            {saving ? 'Saving…' : creating ? 'Add book' : 'Save changes'}
          </button>
          <Link to="/admin" className="button button-secondary">
            Cancel
          </Link>
        </p>
      </form>
    </>
  );
}
