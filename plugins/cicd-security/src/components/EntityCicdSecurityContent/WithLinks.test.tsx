import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { WithLinks } from './CheckFindings';

describe('WithLinks', () => {
  it('links the advisory address of a suggested fix, leaving the closing punctuation', async () => {
    await renderInTestApp(
      <p>
        <WithLinks text="Upgrade jwt to v5.2.2 or later in go.mod. Advisory: https://github.com/advisories/GHSA-mh63-6h87-95cp." />
      </p>,
    );
    const link = screen.getByRole('link', {
      name: /^https:\/\/github\.com\/advisories\/GHSA-mh63-6h87-95cp\b/,
    });
    expect(link).toHaveAttribute(
      'href',
      'https://github.com/advisories/GHSA-mh63-6h87-95cp',
    );
    expect(link).toHaveAttribute('target', '_blank');
    expect(screen.getByText(/Upgrade jwt to v5.2.2/)).toBeInTheDocument();
  });

  it('keeps text without addresses as it is, and never links other schemes', async () => {
    await renderInTestApp(
      <p>
        <WithLinks text="see (https://osv.dev/vulnerability/OSV-1) and javascript:alert(1)" />
      </p>,
    );
    expect(screen.getAllByRole('link')).toHaveLength(1);
    expect(screen.getByRole('link')).toHaveAttribute(
      'href',
      'https://osv.dev/vulnerability/OSV-1',
    );
  });
});
