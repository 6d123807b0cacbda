import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ApiHarness } from '../../test/api/harness';
import AccountPage from '../src/pages/AccountPage';
import { currentLocation, recordingFetch, renderWithServices, sessionOf, settleAndCleanup, startStore } from './support';

describe('Account page', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startStore();
  });
  afterAll(() => api.close());
  afterEach(settleAndCleanup);

  it('deletes the account only with its password, then ends the session', async () => {
    const customer = await api.customer('Petra Page');
    const recorder = recordingFetch();
    const { session } = renderWithServices(<AccountPage />, { route: '/account', session: await sessionOf(api, customer), fetch: recorder.fetch });
    expect(await screen.findByText(customer.email)).toBeInTheDocument();

    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Delete my account…' }));
    await user.type(screen.getByLabelText('Your password, to confirm'), 'not my password');
    await user.click(screen.getByRole('button', { name: 'Delete my account for good' }));
    expect(await screen.findByText('That is not the password of this account. Type it again.')).toBeInTheDocument();
    expect((await api.request('GET', '/api/v1/me', { token: customer.token })).status).toBe(200);

    await user.clear(screen.getByLabelText('Your password, to confirm'));
    await user.type(screen.getByLabelText('Your password, to confirm'), customer.password);
    await user.click(screen.getByRole('button', { name: 'Delete my account for good' }));
    await waitFor(() => expect(currentLocation()).toBe('/account/deleted'));
    expect(session.get()).toBeNull();
    expect((await api.request('GET', '/api/v1/me', { token: customer.token })).status).toBe(401);
    // The password travelled in the body of the DELETE, nowhere else.
    const deletes = recorder.requests.filter((r) => r.method === 'DELETE');
    expect(deletes.map((r) => [r.url.pathname, r.url.search, r.body])).toEqual([
      ['/api/v1/me', '', { password: 'not my password' }],
      ['/api/v1/me', '', { password: customer.password }],
    ]);
  });

  it('tells an admin their account cannot delete itself, with no button to try', async () => {
    const admin = await api.admin();
    renderWithServices(<AccountPage />, { route: '/account', session: await sessionOf(api, admin) });
    expect(await screen.findByText(/An admin account cannot delete itself/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete my account…' })).toBeNull();
  });
});
