import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  CheckResult,
  FactReading,
} from '@cicd-security/plugin-cicd-security-common';
import { scorecard, scorecardWithWaivers } from '../../testing/data';
import { CHECKS_OPEN_AT_FIRST, defaultOpenChecks } from './FindingsByCheck';
import {
  FactsRead,
  ScoreExplanationCard,
  unreadableReasons,
} from './ScoreDetails';

// A tab with many failing checks and many unread settings stays a page a
// person can read: only the first failing checks open, repeated reasons once.

const failing = (id: string, status: CheckResult['status'] = 'fail') =>
  ({ ...scorecard.checks[1], checkId: id, status } as CheckResult);

describe('defaultOpenChecks', () => {
  const checks = [
    failing('a'),
    failing('b', 'pass'),
    failing('c', 'warn'),
    failing('d'),
    failing('e'),
    failing('f'),
  ];

  it('opens the first failing or warning checks only', () => {
    expect(CHECKS_OPEN_AT_FIRST).toBe(3);
    expect([...defaultOpenChecks(checks, false)]).toEqual(['a', 'c', 'd']);
  });

  it('opens every failing or warning check that a filter leaves', () => {
    expect([...defaultOpenChecks(checks, true)]).toEqual([
      'a',
      'c',
      'd',
      'e',
      'f',
    ]);
  });
});

const readAt = '2026-11-27T10:00:00.000Z';
const unread = (name: string, reason: string, permission?: string) =>
  ({
    name,
    source: 'GitHub REST API',
    available: false,
    readAt,
    reason,
    permission,
  } as FactReading);

describe('FactsRead', () => {
  const noCredentials = 'no GitHub credentials are configured for github.com';
  const facts: FactReading[] = [
    ...Array.from({ length: 8 }, (_, i) =>
      unread(`github.f${i}`, noCredentials),
    ),
    unread('github.webhooks', 'GitHub answered 403', 'Webhooks: read'),
    {
      name: 'scm.platform',
      source: 'source location',
      available: true,
      readAt,
    },
  ];

  it('gives each reason once, with how many facts it stopped', () => {
    expect(unreadableReasons(facts)).toEqual([
      { text: noCredentials, count: 8 },
      { text: 'GitHub answered 403 (needs Webhooks: read)', count: 1 },
    ]);
  });

  it('folds a long list of facts behind a button', async () => {
    await renderInTestApp(<FactsRead facts={facts} />);
    expect(screen.getByTestId('facts-unreadable-reasons')).toHaveTextContent(
      `8 facts not readable: ${noCredentials}`,
    );
    expect(screen.queryByTestId('facts-read')).toBeNull();
    await userEvent.click(screen.getByTestId('facts-read-toggle'));
    expect(screen.getByTestId('facts-read')).toHaveTextContent('github.f7');
    expect(screen.getByTestId('facts-read-toggle')).toHaveTextContent(
      'Hide the facts',
    );
  }, 60_000);
});

describe('ScoreExplanationCard', () => {
  // 14 counted checks: 12 pass, two cost points; the what-if of the one with
  // the larger gain is known.
  const checks = [
    ...Array.from({ length: 6 }, (_, i) => ({
      checkId: `pass-${i}`,
      category: 'code-quality' as const,
      weight: 5,
      score: 10,
      counted: true,
    })),
    {
      checkId: 'costs-some',
      category: 'compliance' as const,
      weight: 5,
      score: 4,
      counted: true,
    },
    ...Array.from({ length: 6 }, (_, i) => ({
      checkId: `pass-${i + 6}`,
      category: 'code-quality' as const,
      weight: 5,
      score: 10,
      counted: true,
    })),
    {
      checkId: 'costs-most',
      category: 'compliance' as const,
      weight: 5,
      score: 0,
      counted: true,
    },
  ];
  const card = {
    ...scorecardWithWaivers,
    score: 8,
    explanation: { ...scorecardWithWaivers.explanation!, checks },
    fixFirst: [
      {
        checkId: 'costs-most',
        title: 'costs-most',
        severity: 'high' as const,
        findings: 1,
        scoreIfFixed: 9,
        gain: 1,
        gradeIfFixed: 'A' as const,
      },
    ],
  };

  it('lists what costs points first, ten rows, and the rest on request', async () => {
    await renderInTestApp(
      <ScoreExplanationCard scorecard={card} checkTitle={id => id} />,
    );
    const rows = () =>
      screen
        .getAllByRole('row')
        .slice(1)
        .map(r => r.querySelector('td')?.textContent);
    expect(rows()).toHaveLength(10);
    expect(rows().slice(0, 2)).toEqual(['costs-most', 'costs-some']);
    expect(screen.getByText('14 checks counted')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('score-explanation-toggle'));
    expect(rows()).toHaveLength(14);
    expect(screen.getByTestId('score-explanation-toggle')).toHaveTextContent(
      'Show the first 10',
    );
  }, 60_000);
});
