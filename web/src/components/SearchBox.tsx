import { useEffect, useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Suggestion } from '../api/types';
import { useApi } from '../app/services';
import { useDebounced } from '../lib/hooks';
import { bookPath } from './books';
import { Cover } from './Cover';

export function searchPath(q: string): string {
  return q ? `/search?${new URLSearchParams({ q }).toString()}` : '/search';
}

/**
 * The header's search field: an ARIA 1.2 combobox. Suggestions are fetched once typing pauses
 * (`debounceMs`) and cached per prefix; arrows move through them, Enter opens the chosen one, Escape
 * closes the list (and clears the field when it is already closed).
 */
export function SearchBox({ debounceMs = 150 }: { debounceMs?: number }) {
  const api = useApi();
  const navigate = useNavigate();
  const location = useLocation();
  const id = useId();
  const inputId = `${id}-input`;
  const listId = `${id}-list`;
  const optionId = (i: number) => `${id}-option-${i}`;

  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const prefix = useDebounced(text.trim(), debounceMs);

  // On the results page the field shows the query in the URL (also after the back button).
  useEffect(() => {
    if (location.pathname === '/search') setText(new URLSearchParams(location.search).get('q') ?? '');
  }, [location.pathname, location.search]);

  const suggestions = useQuery({
    queryKey: ['suggest', prefix],
    queryFn: ({ signal }) => api.suggest(prefix, signal),
    enabled: open && prefix !== '',
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  });
  const list: Suggestion[] = open && text.trim() !== '' ? (suggestions.data ?? []) : [];
  const expanded = list.length > 0;

  useEffect(() => setActive(-1), [suggestions.data]);

  function choose(suggestion: Suggestion) {
    setText(suggestion.text);
    setOpen(false);
    setActive(-1);
    navigate(suggestion.bookId ? bookPath(suggestion.bookId) : searchPath(suggestion.text));
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setOpen(false);
    setActive(-1);
    navigate(searchPath(text.trim()));
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (!open) setOpen(true);
        if (list.length > 0) setActive((a) => (a + 1) % list.length);
        break;
      case 'ArrowUp':
        event.preventDefault();
        if (list.length > 0) setActive((a) => (a <= 0 ? list.length - 1 : a - 1));
        break;
      case 'Enter': {
        const chosen = expanded && active >= 0 ? list[active] : undefined;
        if (chosen) {
          event.preventDefault();
          choose(chosen);
        }
        break;
      }
      case 'Escape':
        if (expanded) {
          event.preventDefault();
          setOpen(false);
          setActive(-1);
        } else if (text !== '') {
          event.preventDefault();
          setText('');
        }
        break;
    }
  }

  return (
    <form role="search" aria-label="Books" className="search-box" onSubmit={onSubmit}>
      <label htmlFor={inputId} className="visually-hidden">
        Search books by title, author or topic
      </label>
      <div className="search-combo">
        <input
          id={inputId}
          type="search"
          role="combobox"
          autoComplete="off"
          spellCheck={false}
          placeholder="Search books, authors…"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => setOpen(false)}
        />
        <ul id={listId} role="listbox" aria-label="Suggestions" className="suggestions" hidden={!expanded}>
          {list.map((s, i) => (
            <li
              key={`${s.text}-${s.bookId ?? ''}`}
              id={optionId(i)}
              role="option"
              // Named by its text alone: the <mark> inside is for the eye.
              aria-label={s.bookId ? `${s.text} (book)` : s.text}
              aria-selected={i === active}
              className={i === active ? 'suggestion active' : 'suggestion'}
              // Keeps focus in the field, so the click below still sees the list.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(s)}
            >
              {s.bookId && <Cover book={{ id: s.bookId, title: s.text, authors: s.authors ?? [], coverUrl: s.coverUrl ?? null }} size="xs" />}
              <span className="suggestion-text">
                {/* The server escapes the text and only adds <mark>: safe to render as HTML. */}
                <span dangerouslySetInnerHTML={{ __html: s.highlighted }} />
                {s.authors && s.authors.length > 0 && <span className="suggestion-authors">{s.authors.join(', ')}</span>}
              </span>
              {s.bookId && <span className="suggestion-kind">Book</span>}
            </li>
          ))}
        </ul>
      </div>
      <button type="submit" className="button button-accent search-submit">
        Search
      </button>
      <div role="status" className="visually-hidden">
        {expanded ? `${list.length} suggestions; use the up and down arrows to choose one.` : ''}
      </div>
    </form>
  );
}
