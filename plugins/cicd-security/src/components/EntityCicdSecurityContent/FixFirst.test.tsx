import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { scorecard } from '../../testing/data';
import { FixFirstCard, shortenFix } from './FixFirst';

describe('shortenFix', () => {
  it('keeps a short fix as it is', () => {
    expect(shortenFix('Pin `actions/checkout` to a SHA')).toBe(
      'Pin `actions/checkout` to a SHA',
    );
  });

  it('closes a code span cut in the middle, so no raw backtick shows', () => {
    const fix = `Set \`permissions: ${'x'.repeat(300)}\` on the job`;
    const short = shortenFix(fix);
    expect(short.endsWith('`…')).toBe(true);
    expect((short.match(/`/g) ?? []).length % 2).toBe(0);
    expect(short.length).toBeLessThanOrEqual(161);
  });

  it('drops a fenced block that the cut would open', () => {
    const fix = `Replace the step:\n\`\`\`yaml\n${'- run: x\n'.repeat(
      40,
    )}\`\`\``;
    expect(shortenFix(fix)).toBe('Replace the step:…');
  });
});

describe('FixFirstCard', () => {
  it('renders the suggested fix as Markdown, without raw backticks', async () => {
    const card = {
      ...scorecard,
      fixFirst: [
        {
          checkId: 'unpinned-actions',
          title: 'Actions are pinned to a full commit SHA',
          severity: 'high' as const,
          findings: 1,
          scoreIfFixed: 7.5,
          gain: 1.1,
          gradeIfFixed: 'B' as const,
        },
      ],
      checks: scorecard.checks.map(c =>
        c.checkId === 'unpinned-actions'
          ? {
              ...c,
              findings: c.findings.map(f => ({
                ...f,
                suggestedFix: {
                  description: 'Pin `actions/setup-node` to the **commit**',
                },
              })),
            }
          : c,
      ),
    };
    await renderInTestApp(
      <FixFirstCard scorecard={card} guideLink={id => `/guide/${id}`} />,
    );
    const item = screen.getByTestId('fix-first-unpinned-actions');
    expect(item).toHaveTextContent(
      'Suggested fix: Pin actions/setup-node to the commit',
    );
    expect(item).not.toHaveTextContent('`');
    expect(screen.getByText('actions/setup-node').tagName).toBe('CODE');
    expect(screen.getByText('commit').tagName).toBe('STRONG');
  }, 60_000);
});
