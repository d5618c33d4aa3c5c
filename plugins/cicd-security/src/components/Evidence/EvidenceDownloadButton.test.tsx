import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  alertApiRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { EvidenceDownloadButton } from './EvidenceDownloadButton';

function setup(response: Response) {
  const fetch = jest.fn().mockResolvedValue(response);
  const alertApi = { post: jest.fn(), alert$: jest.fn() };
  const discoveryApi = {
    getBaseUrl: jest.fn().mockResolvedValue('http://backend/api/cicd-security'),
  };
  return { fetch, alertApi, discoveryApi };
}

describe('EvidenceDownloadButton', () => {
  const createObjectURL = jest.fn(() => 'blob:evidence');
  beforeAll(() => {
    (URL as any).createObjectURL = createObjectURL;
    (URL as any).revokeObjectURL = jest.fn();
  });

  async function renderButton(
    apis: ReturnType<typeof setup>,
    props: { entityRef?: string; owner?: string; framework?: string },
  ) {
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => {});
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [fetchApiRef, { fetch: apis.fetch }],
          [discoveryApiRef, apis.discoveryApi],
          [alertApiRef, apis.alertApi],
        ]}
      >
        <EvidenceDownloadButton {...props} />
      </TestApiProvider>,
    );
    return click;
  }

  it("downloads a component's JSON evidence under the backend's file name", async () => {
    const apis = setup(
      new Response('{"content":{}}', {
        status: 200,
        headers: {
          'content-disposition':
            'attachment; filename="cicd-security-evidence-component-default-web-abc.json"',
        },
      }),
    );
    const click = await renderButton(apis, {
      entityRef: 'component:default/web',
      framework: 'nist-ssdf',
    });
    fireEvent.click(screen.getByTestId('evidence-download-button'));
    fireEvent.click(await screen.findByText('JSON evidence'));
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(apis.fetch).toHaveBeenCalledWith(
      'http://backend/api/cicd-security/evidence?entityRef=component%3Adefault%2Fweb&framework=nist-ssdf&format=json',
    );
    const link = click.mock.instances[0] as unknown as HTMLAnchorElement;
    expect(link.download).toBe(
      'cicd-security-evidence-component-default-web-abc.json',
    );
    expect(apis.alertApi.post).not.toHaveBeenCalled();
  });

  it("asks for the organisation's PDF and shows the backend's reason when it cannot print", async () => {
    const apis = setup(
      new Response(
        JSON.stringify({
          error: {
            name: 'ServiceUnavailableError',
            message: 'PDF export needs headless Chromium',
          },
        }),
        { status: 503, headers: { 'content-type': 'application/json' } },
      ),
    );
    await renderButton(apis, {});
    fireEvent.click(screen.getByTestId('evidence-download-button'));
    fireEvent.click(await screen.findByText('PDF report'));
    await waitFor(() =>
      expect(apis.alertApi.post).toHaveBeenCalledWith({
        message:
          'Could not download the evidence: PDF export needs headless Chromium',
        severity: 'error',
      }),
    );
    expect(apis.fetch).toHaveBeenCalledWith(
      'http://backend/api/cicd-security/evidence?format=pdf',
    );
  });
});
