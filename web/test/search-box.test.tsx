import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ApiHarness } from '../../test/api/harness';
import { SearchBox } from '../src/components/SearchBox';
import { currentLocation, recordingFetch, renderWithServices, settleAndCleanup, startStore } from './support';

const DEBOUNCE_MS = 50;

describe('SearchBox', () => {
  let api: ApiHarness;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startStore();
    const admin = await api.admin();
    for (const title of ['The Hobbit', 'Hobson’s Choice', 'The Silmarillion']) {
      ids[title] = (await api.createBook(admin, { title, authors: ['J. R. R. Tolkien'] })).id;
    }
    await api.store.projections.catchUp();
  });
  afterAll(() => api.close());
  afterEach(settleAndCleanup);

  const suggestCalls = (requests: ReturnType<typeof recordingFetch>['requests']) =>
    requests.filter((r) => r.url.pathname === '/api/v1/search/suggest').map((r) => r.url.searchParams.get('q'));

  it('asks for suggestions once typing pauses, for the whole prefix only', async () => {
    const recorder = recordingFetch();
    // A long pause, so that typing three letters surely fits inside it.
    renderWithServices(<SearchBox debounceMs={1000} />, { fetch: recorder.fetch });
    const user = userEvent.setup();

    await user.type(screen.getByRole('combobox'), 'hob');
    expect(suggestCalls(recorder.requests)).toEqual([]);

    const list = await screen.findByRole('listbox', { name: 'Suggestions' }, { timeout: 5000 });
    await within(list).findByRole('option', { name: 'The Hobbit (book)' });
    expect(suggestCalls(recorder.requests)).toEqual(['hob']);
    expect(screen.getByRole('combobox')).toHaveAttribute('aria-expanded', 'true');
    // The server's highlight is rendered as markup: the typed prefix is marked.
    const hobbit = within(list).getByRole('option', { name: 'The Hobbit (book)' });
    expect(hobbit.querySelector('mark')?.textContent).toBe('Hob');
    // A book comes with its author and a cover thumbnail.
    expect(hobbit.querySelector('.suggestion-authors')?.textContent).toBe('J. R. R. Tolkien');
    expect(hobbit.querySelector('.cover')).not.toBeNull();

    // Typing on asks again, for the longer prefix; going back to a prefix already asked for uses the cache.
    await user.type(screen.getByRole('combobox'), 'b');
    await waitFor(() => expect(suggestCalls(recorder.requests)).toEqual(['hob', 'hobb']), { timeout: 5000 });
    await user.type(screen.getByRole('combobox'), '{Backspace}');
    await waitFor(() => expect(within(list).getAllByRole('option')).toHaveLength(2), { timeout: 5000 });
    expect(suggestCalls(recorder.requests)).toEqual(['hob', 'hobb']);
  });

  it('moves through suggestions with the arrow keys and opens the chosen book with Enter', async () => {
    const user = userEvent.setup();
    renderWithServices(<SearchBox debounceMs={DEBOUNCE_MS} />);
    const input = screen.getByRole('combobox');

    await user.type(input, 'hob');
    const list = await screen.findByRole('listbox');
    await within(list).findByRole('option', { name: 'The Hobbit (book)' });
    const options = within(list).getAllByRole('option');
    expect(options.length).toBeGreaterThanOrEqual(2);
    expect(input).not.toHaveAttribute('aria-activedescendant');

    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(input).toHaveAttribute('aria-activedescendant', options[1]!.id);
    expect(options[1]).toHaveAttribute('aria-selected', 'true');
    expect(options[0]).toHaveAttribute('aria-selected', 'false');

    await user.keyboard('{ArrowUp}');
    expect(input).toHaveAttribute('aria-activedescendant', options[0]!.id);

    // Up from the first wraps to the last, down from the last wraps to the first.
    await user.keyboard('{ArrowUp}');
    expect(input).toHaveAttribute('aria-activedescendant', options[options.length - 1]!.id);
    await user.keyboard('{ArrowDown}');
    expect(input).toHaveAttribute('aria-activedescendant', options[0]!.id);

    const chosen = options[0]!.getAttribute('aria-label')!.replace(/ \(book\)$/, '');
    await user.keyboard('{Enter}');
    expect(input).toHaveValue(chosen);
    expect(screen.getByRole('listbox', { hidden: true })).not.toBeVisible();
    const bookId = Object.entries(ids).find(([title]) => title === chosen)?.[1];
    expect(bookId).toBeDefined();
    expect(currentLocation()).toBe(`/books/${bookId}`);
  });

  it('selects a suggestion with the mouse', async () => {
    const user = userEvent.setup();
    renderWithServices(<SearchBox debounceMs={DEBOUNCE_MS} />);
    await user.type(screen.getByRole('combobox'), 'silm');
    await user.click(await screen.findByRole('option', { name: 'The Silmarillion (book)' }));
    expect(currentLocation()).toBe(`/books/${ids['The Silmarillion']}`);
  });

  it('closes the list with Escape, clears with a second Escape, and searches the typed text with Enter', async () => {
    const user = userEvent.setup();
    renderWithServices(<SearchBox debounceMs={DEBOUNCE_MS} />, { route: '/' });
    const input = screen.getByRole('combobox');

    await user.type(input, 'hob');
    await screen.findByRole('option', { name: 'The Hobbit (book)' });
    await user.keyboard('{Escape}');
    expect(input).toHaveAttribute('aria-expanded', 'false');
    expect(input).toHaveValue('hob');

    await user.keyboard('{Enter}');
    await waitFor(() => expect(currentLocation()).toBe('/search?q=hob'));

    await user.keyboard('{Escape}');
    expect(input).toHaveValue('');
  });
});
