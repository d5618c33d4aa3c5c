import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { alertApiRef } from '@backstage/core-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { CicdSecurityApi, cicdSecurityApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { entity, waivers } from '../../testing/data';
import { mockCicdSecurityApi } from '../../testing/mockApi';
import { EntityCicdSecurityContent } from './EntityCicdSecurityContent';
import { endOfDayIso, toDateInput } from '../Waivers';

const PINNED = 'Actions are pinned to a full commit SHA';

// The checks table is large; role queries and typing are slow under load.
jest.setTimeout(20_000);

function mockAlertApi() {
  return { post: jest.fn(), alert$: jest.fn() };
}

async function renderTab(
  api: CicdSecurityApi,
  alertApi = mockAlertApi(),
  permission = mockApis.permission(),
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [cicdSecurityApiRef, api],
        [permissionApiRef, permission],
        [alertApiRef, alertApi],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityCicdSecurityContent pollIntervalMs={10} />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/cicd-security': rootRouteRef } },
  );
  return alertApi;
}

async function forbidden() {
  return ResponseError.fromResponse({
    ok: false,
    status: 403,
    statusText: 'Forbidden',
    url: 'http://localhost/api/cicd-security/waivers',
    headers: new Headers({ 'content-type': 'application/json' }),
    text: async () =>
      JSON.stringify({
        error: { name: 'NotAllowedError', message: 'Unauthorized' },
        request: { method: 'POST', url: '/waivers' },
        response: { statusCode: 403 },
      }),
  } as any);
}

/** Types a whole value at once (much faster than key by key). */
async function typeInto(element: HTMLElement, text: string) {
  await userEvent.click(element);
  await userEvent.paste(text);
}

function inDays(days: number): string {
  const now = new Date();
  return toDateInput(
    new Date(now.getFullYear(), now.getMonth(), now.getDate() + days),
  );
}

/** Opens the waiver dialog from the findings section of the check. */
async function openWaiverDialog(checkId = 'unpinned-actions') {
  const buttons = await screen.findAllByTestId(`waive-${checkId}`);
  // One in the checks table, one in the findings section.
  expect(buttons).toHaveLength(2);
  await userEvent.click(buttons[1]);
  return screen.findByRole('dialog');
}

describe('Waivers on the Security tab', () => {
  it('offers Waive on failing and warning checks only', async () => {
    await renderTab(mockCicdSecurityApi());
    expect(
      await screen.findAllByRole('button', {
        name: 'Waive: No secrets in pipeline files',
      }),
    ).toHaveLength(2);
    expect(
      screen.getAllByRole('button', {
        name: 'Waive: A dependency update tool is configured',
      }),
    ).toHaveLength(2);
    expect(
      screen.queryByRole('button', {
        name: 'Waive: Checkout does not persist credentials',
      }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', {
        name: 'Waive: GitLab variables are protected',
      }),
    ).not.toBeInTheDocument();
  });

  it('validates the reason and the expiry date', async () => {
    const api = mockCicdSecurityApi();
    await renderTab(api);
    const dialog = await openWaiverDialog();

    expect(within(dialog).getByText(`Waive “${PINNED}”`)).toBeInTheDocument();
    expect(dialog).toHaveTextContent(/stops lowering the score until/);
    const expiry = within(dialog).getByLabelText(/Expires on/);
    // 90 days ahead by default, at most one year ahead.
    expect(expiry).toHaveValue(inDays(90));
    expect(expiry).toHaveAttribute('type', 'date');
    expect(expiry).toHaveAttribute('min', inDays(1));

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Waive check' }),
    );
    expect(
      within(dialog).getByText('Give a reason of at least 10 characters'),
    ).toBeInTheDocument();

    const reason = within(dialog).getByRole('textbox', { name: /Reason/ });
    await userEvent.type(reason, 'too short');
    expect(
      within(dialog).getByText('Give a reason of at least 10 characters'),
    ).toBeInTheDocument();
    await userEvent.type(reason, '!');
    expect(
      within(dialog).queryByText('Give a reason of at least 10 characters'),
    ).not.toBeInTheDocument();

    fireEvent.change(expiry, { target: { value: inDays(0) } });
    expect(
      within(dialog).getByText('Pick a date in the future'),
    ).toBeInTheDocument();
    fireEvent.change(expiry, { target: { value: inDays(400) } });
    expect(
      within(dialog).getByText(/A waiver lasts at most one year/),
    ).toBeInTheDocument();
    fireEvent.change(expiry, { target: { value: '' } });
    expect(within(dialog).getByText('Pick an expiry date')).toBeInTheDocument();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Waive check' }),
    );
    expect(api.createWaiver).not.toHaveBeenCalled();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('creates an entity waiver, reports success and reloads the scorecard', async () => {
    const api = mockCicdSecurityApi({
      listWaivers: jest.fn(async () => ({ items: waivers })),
    });
    const alertApi = await renderTab(api);
    const dialog = await openWaiverDialog();
    const scorecardLoads = api.getScorecard.mock.calls.length;
    const waiverLoads = api.listWaivers.mock.calls.length;

    await typeInto(
      within(dialog).getByRole('textbox', { name: /Reason/ }),
      'The vendor publishes no releases',
    );
    const date = inDays(30);
    fireEvent.change(within(dialog).getByLabelText(/Expires on/), {
      target: { value: date },
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Waive check' }),
    );

    await waitFor(() =>
      expect(api.createWaiver).toHaveBeenCalledWith({
        checkId: 'unpinned-actions',
        scope: { type: 'entity', entityRef: 'component:default/payments-api' },
        reason: 'The vendor publishes no releases',
        expiresAt: endOfDayIso(date),
      }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(alertApi.post).toHaveBeenCalledWith(
      expect.objectContaining({ severity: 'success' }),
    );
    await waitFor(() =>
      expect(api.getScorecard.mock.calls.length).toBeGreaterThan(
        scorecardLoads,
      ),
    );
    await waitFor(() =>
      expect(api.listWaivers.mock.calls.length).toBeGreaterThan(waiverLoads),
    );
  });

  it('creates an owner-wide waiver when that scope is chosen', async () => {
    const api = mockCicdSecurityApi();
    await renderTab(api);
    const dialog = await openWaiverDialog('hardcoded-secrets');

    const owner = await within(dialog).findByRole('radio', {
      name: 'Every component owned by team-payments',
    });
    await waitFor(() => expect(owner).toBeEnabled());
    await userEvent.click(owner);
    await typeInto(
      within(dialog).getByRole('textbox', { name: /Reason/ }),
      'Example keys used by the docs build',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Waive check' }),
    );

    await waitFor(() =>
      expect(api.createWaiver).toHaveBeenCalledWith({
        checkId: 'hardcoded-secrets',
        scope: { type: 'owner', ownerRef: 'group:default/team-payments' },
        reason: 'Example keys used by the docs build',
        expiresAt: endOfDayIso(inDays(90)),
      }),
    );
  });

  it('shows a refusal of the backend in the dialog', async () => {
    const api = mockCicdSecurityApi({
      createWaiver: jest.fn(async () => {
        throw await forbidden();
      }),
    });
    const alertApi = await renderTab(api);
    const dialog = await openWaiverDialog();
    await typeInto(
      within(dialog).getByRole('textbox', { name: /Reason/ }),
      'The vendor publishes no releases',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Waive check' }),
    );

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'You are not allowed to waive checks for this component',
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(alertApi.post).not.toHaveBeenCalled();
  });

  it('lists active and past waivers with their audit history', async () => {
    const api = mockCicdSecurityApi({
      listWaivers: jest.fn(async () => ({ items: waivers })),
    });
    await renderTab(api);

    const card = await screen.findByTestId('waivers-card');
    expect(api.listWaivers).toHaveBeenCalledWith({
      entityRef: 'component:default/payments-api',
    });
    const rows = await within(card).findAllByTestId('waiver-row');
    expect(rows).toHaveLength(3);
    // Active first.
    expect(rows[0]).toHaveTextContent('script-injection');
    expect(rows[0]).toHaveTextContent('This component');
    expect(rows[0]).toHaveTextContent(
      'Replaced by the new pipeline next sprint',
    );
    expect(rows[0]).toHaveTextContent('alice');
    expect(within(rows[0]).getByTestId('waiver-state')).toHaveTextContent(
      'active',
    );
    expect(rows[1]).toHaveTextContent(PINNED);
    expect(within(rows[1]).getByTestId('waiver-state')).toHaveTextContent(
      'revoked',
    );
    expect(rows[2]).toHaveTextContent('Every component of team-payments');
    expect(within(rows[2]).getByTestId('waiver-state')).toHaveTextContent(
      'expired',
    );
    // Only active waivers can be revoked.
    expect(
      await within(rows[0]).findByRole('button', { name: /^Revoke/ }),
    ).toBeInTheDocument();
    expect(
      within(rows[1]).queryByRole('button', { name: /^Revoke/ }),
    ).not.toBeInTheDocument();

    expect(within(card).queryAllByTestId('waiver-event')).toHaveLength(0);
    const toggle = within(rows[1]).getByRole('button', {
      name: 'Show the audit history',
    });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const events = within(card).getAllByTestId('waiver-event');
    expect(events).toHaveLength(2);
    expect(events[1]).toHaveTextContent(
      'Revoked by carol: The vendor publishes releases now',
    );
  });

  it('revokes an active waiver with an optional reason and reloads', async () => {
    const api = mockCicdSecurityApi({
      listWaivers: jest.fn(async () => ({ items: waivers })),
    });
    const alertApi = await renderTab(api);
    const revoke = await screen.findByTestId('revoke-waiver-w-1');
    const scorecardLoads = api.getScorecard.mock.calls.length;
    const waiverLoads = api.listWaivers.mock.calls.length;

    await userEvent.click(revoke);
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('counts towards the score again');
    await typeInto(
      within(dialog).getByRole('textbox', { name: /Reason/ }),
      'Fixed in the new pipeline',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Revoke waiver' }),
    );

    await waitFor(() =>
      expect(api.revokeWaiver).toHaveBeenCalledWith(
        'w-1',
        'Fixed in the new pipeline',
      ),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(alertApi.post).toHaveBeenCalledWith(
      expect.objectContaining({ severity: 'success' }),
    );
    await waitFor(() =>
      expect(api.getScorecard.mock.calls.length).toBeGreaterThan(
        scorecardLoads,
      ),
    );
    expect(api.listWaivers.mock.calls.length).toBeGreaterThan(waiverLoads);
  });

  it('revokes without a reason when none is given', async () => {
    const api = mockCicdSecurityApi({
      listWaivers: jest.fn(async () => ({ items: waivers })),
    });
    await renderTab(api);
    await userEvent.click(await screen.findByTestId('revoke-waiver-w-1'));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Revoke waiver' }),
    );
    await waitFor(() =>
      expect(api.revokeWaiver).toHaveBeenCalledWith('w-1', undefined),
    );
  });
});
