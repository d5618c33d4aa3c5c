import {
  CategoryScore,
  CheckCategory,
  Grade,
} from '@cicd-security/plugin-cicd-security-common';
import { GroupHierarchy, GroupNode } from './GroupHierarchyStore';
import {
  categoryVector,
  scoreStats,
  shareAB,
  StatRow,
  teamAggregates,
  treeOrder,
} from './teamStats';

function row(
  entityRef: string,
  fields: {
    owner?: string;
    score?: number | null;
    grade?: Grade | null;
    categories?: Partial<Record<CheckCategory, number>>;
    critical?: number;
    scanned?: boolean;
  } = {},
): StatRow {
  const categories: CategoryScore[] = Object.entries(
    fields.categories ?? {},
  ).map(([category, score]) => ({
    category: category as CheckCategory,
    score,
    applicable: 1,
    failing: 0,
  }));
  return {
    entityRef,
    owner: fields.owner ?? null,
    score: fields.score ?? null,
    grade: fields.grade ?? null,
    cats: categoryVector(categories),
    critical: fields.critical ?? 0,
    scanned: fields.scanned ?? fields.score !== undefined,
  };
}

const noGrades = { A: 0, B: 0, C: 0, D: 0, F: 0 };

function hierarchy(nodes: GroupNode[]): GroupHierarchy {
  const groups = new Map(nodes.map(n => [n.groupRef, n]));
  const children = new Map<string, string[]>();
  for (const n of nodes) {
    if (n.parent && groups.has(n.parent)) {
      children.set(n.parent, [...(children.get(n.parent) ?? []), n.groupRef]);
    }
  }
  for (const list of children.values()) list.sort();
  const descendants = new Map<string, string[]>();
  const depth = new Map<string, number>();
  for (const n of nodes) {
    let current: GroupNode | undefined = n;
    const seen = new Set<string>();
    let d = 0;
    while (current && !seen.has(current.groupRef)) {
      seen.add(current.groupRef);
      descendants.set(current.groupRef, [
        ...(descendants.get(current.groupRef) ?? []),
        n.groupRef,
      ]);
      current = current.parent ? groups.get(current.parent) : undefined;
      d++;
    }
    depth.set(n.groupRef, d - 1);
  }
  return { groups, children, descendants, depth };
}

describe('teamStats', () => {
  describe('scoreStats', () => {
    it.each<{
      name: string;
      rows: StatRow[];
      past?: Array<[string, number]>;
      expected: object;
    }>([
      {
        name: 'no scorecards',
        rows: [],
        expected: {
          components: 0,
          scanned: 0,
          averageScore: null,
          medianScore: null,
          grades: noGrades,
          change30d: null,
          openCriticalFindings: 0,
        },
      },
      {
        name: 'an odd number of scores: the middle one is the median',
        rows: [
          row('a', { score: 9.5, grade: 'A' }),
          row('b', { score: 4, grade: 'D' }),
          row('c', { score: 7.25, grade: 'C' }),
        ],
        expected: {
          components: 3,
          scanned: 3,
          averageScore: 6.9,
          medianScore: 7.3,
          grades: { ...noGrades, A: 1, C: 1, D: 1 },
        },
      },
      {
        name: 'an even number of scores: the mean of the middle two',
        rows: [
          row('a', { score: 10, grade: 'A' }),
          row('b', { score: 2, grade: 'F' }),
          row('c', { score: 6, grade: 'C' }),
          row('d', { score: 8, grade: 'B' }),
        ],
        expected: { averageScore: 6.5, medianScore: 7 },
      },
      {
        name: 'unscored components count but do not move the averages',
        rows: [
          row('a', { score: 8, grade: 'B' }),
          row('never', { scanned: false }),
          row('failed', { scanned: true, score: null }),
        ],
        expected: {
          components: 3,
          scanned: 2,
          averageScore: 8,
          medianScore: 8,
          grades: { ...noGrades, B: 1 },
        },
      },
      {
        name: 'the 30-day change over components scored then and now',
        rows: [
          row('a', { score: 8 }),
          row('b', { score: 6 }),
          row('new', { score: 1 }),
        ],
        past: [
          ['a', 5],
          ['b', 7],
          ['gone', 0],
        ],
        expected: { change30d: 1 },
      },
      {
        name: 'critical findings are summed',
        rows: [row('a', { critical: 2 }), row('b', { critical: 3 })],
        expected: { openCriticalFindings: 5 },
      },
    ])('$name', ({ rows, past, expected }) => {
      expect(scoreStats(rows, new Map(past ?? []))).toMatchObject(expected);
    });

    it.each<{
      rows: StatRow[];
      expected: Partial<Record<CheckCategory, number | null>>;
    }>([
      {
        rows: [],
        expected: { 'secrets-management': null, compliance: null },
      },
      {
        rows: [
          row('a', { categories: { 'secrets-management': 10, compliance: 4 } }),
          row('b', { categories: { 'secrets-management': 5 } }),
        ],
        // Each category averages over the components where it applied.
        expected: {
          'secrets-management': 7.5,
          compliance: 4,
          'access-control': null,
        },
      },
    ])('averages category scores: %#', ({ rows, expected }) => {
      expect(scoreStats(rows, new Map()).categories).toMatchObject(expected);
    });
  });

  describe('shareAB', () => {
    it.each<[Partial<Record<Grade, number>>, number | null]>([
      [{}, null],
      [{ A: 1 }, 1],
      [{ A: 1, B: 1, C: 1 }, 0.667],
      [{ D: 2, F: 2 }, 0],
    ])('%j → %p', (grades, expected) => {
      const stats = scoreStats([], new Map());
      expect(shareAB({ ...stats, grades: { ...noGrades, ...grades } })).toBe(
        expected,
      );
    });
  });

  describe('treeOrder', () => {
    const h = hierarchy([
      { groupRef: 'org' },
      { groupRef: 'b', parent: 'org' },
      { groupRef: 'a', parent: 'org' },
      { groupRef: 'a1', parent: 'a' },
      { groupRef: 'other-top' },
      { groupRef: 'orphan', parent: 'not-a-group' },
    ]);
    it.each<[string | undefined, string[]]>([
      [undefined, ['org', 'a', 'a1', 'b', 'orphan', 'other-top']],
      ['a', ['a', 'a1']],
      ['b', ['b']],
    ])('from %p: %j', (root, expected) => {
      expect(treeOrder(h, root)).toEqual(expected);
    });

    it('keeps the groups of a cycle', () => {
      const cyclic = hierarchy([
        { groupRef: 'x', parent: 'y' },
        { groupRef: 'y', parent: 'x' },
      ]);
      expect(treeOrder(cyclic)).toEqual(['x', 'y']);
    });
  });

  describe('teamAggregates', () => {
    const h = hierarchy([
      { groupRef: 'org', title: 'The org', type: 'organization' },
      { groupRef: 'team-a', type: 'team', parent: 'org' },
      { groupRef: 'team-b', type: 'team', parent: 'org' },
    ]);
    const rows = [
      row('a1', { owner: 'team-a', score: 10, grade: 'A' }),
      row('a2', { owner: 'team-a', score: 6, grade: 'C' }),
      row('b1', { owner: 'team-b', score: 2, grade: 'F' }),
      row('u1', { owner: 'user:default/jo', score: 9, grade: 'A' }),
      row('nobody', { score: 1, grade: 'F' }),
    ];

    it.each<[string, { components: number; averageScore: number | null }]>([
      ['org', { components: 0, averageScore: null }],
      ['team-a', { components: 2, averageScore: 8 }],
      ['team-b', { components: 1, averageScore: 2 }],
    ])('direct figures of %s', (group, expected) => {
      const { items } = teamAggregates(h, rows, new Map());
      expect(items.find(i => i.groupRef === group)!.direct).toMatchObject(
        expected,
      );
    });

    it.each<[string, { components: number; averageScore: number | null }]>([
      ['org', { components: 3, averageScore: 6 }],
      ['team-a', { components: 2, averageScore: 8 }],
    ])('rolled-up figures of %s', (group, expected) => {
      const { items } = teamAggregates(h, rows, new Map());
      expect(items.find(i => i.groupRef === group)!.rollup).toMatchObject(
        expected,
      );
    });

    it('lists groups in tree order with their facts, and every owner', () => {
      const { items, owners } = teamAggregates(h, rows, new Map(), 'org');
      expect(
        items.map(({ groupRef, title, type, parent, children }) => ({
          groupRef,
          title,
          type,
          parent,
          children,
        })),
      ).toEqual([
        {
          groupRef: 'org',
          title: 'The org',
          type: 'organization',
          parent: undefined,
          children: ['team-a', 'team-b'],
        },
        {
          groupRef: 'team-a',
          title: undefined,
          type: 'team',
          parent: 'org',
          children: [],
        },
        {
          groupRef: 'team-b',
          title: undefined,
          type: 'team',
          parent: 'org',
          children: [],
        },
      ]);
      expect(owners).toEqual([
        {
          owner: 'team-a',
          components: 2,
          scanned: 2,
          averageScore: 8,
          grades: { ...noGrades, A: 1, C: 1 },
        },
        {
          owner: 'team-b',
          components: 1,
          scanned: 1,
          averageScore: 2,
          grades: { ...noGrades, F: 1 },
        },
        {
          owner: 'user:default/jo',
          components: 1,
          scanned: 1,
          averageScore: 9,
          grades: { ...noGrades, A: 1 },
        },
      ]);
    });
  });
});
