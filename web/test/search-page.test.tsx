import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ApiHarness } from '../../test/api/harness';
import SearchPage from '../src/pages/SearchPage';
import { currentLocation, recordingFetch, renderWithServices, settleAndCleanup, startStore } from './support';

describe('SearchPage', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startStore();
    const admin = await api.admin();
    for (const title of ['Harry Potter and the Chamber of Secrets', 'Hary Hedgehog Goes West']) {
      await api.createBook(admin, { title, authors: ['Some Author'] });
    }
    await api.store.projections.catchUp();
  });
  afterAll(() => api.close());
  afterEach(settleAndCleanup);

  it('says which words it searched when it corrected them, and links to the words as typed', async () => {
    const recorder = recordingFetch();
    renderWithServices(<SearchPage />, { route: '/search?q=hary+poter', fetch: recorder.fetch });
    const notice = await screen.findByText(/Showing results for/, {}, { timeout: 5000 });
    expect(notice).toHaveTextContent('Showing results for “harry potter”, search instead for “hary poter”.');
    await screen.findByRole('link', { name: /Chamber of Secrets/ });

    await userEvent.setup().click(screen.getByRole('link', { name: '“hary poter”' }));
    await waitFor(() => expect(currentLocation()).toBe('/search?q=hary+poter&autocorrect=false'));
    await waitFor(() => expect(recorder.requests.some((r) => r.url.pathname === '/api/v1/search' && r.url.searchParams.get('autocorrect') === 'false')).toBe(true));
    await waitFor(() => expect(screen.queryByText(/Showing results for/)).toBeNull());
  });
});
