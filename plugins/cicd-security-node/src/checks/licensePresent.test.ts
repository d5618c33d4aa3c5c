import { licensePresent } from './licensePresent';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';
import { InMemorySnapshot } from '../snapshot';

describe('license-present', () => {
  describeCheckFixtures(licensePresent);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(licensePresent, 'fail');
    expect(summarise(outcome, licensePresent)).toMatchInlineSnapshot(`
      {
        "findings": [
          "<repository> low No license file: add LICENSE at the top level with an OSI-approved license such as Apache-2.0 or MIT",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it.each([
    ['pass', 'pass', 10, 0],
    ['fail', 'fail', 0, 1],
    ['warn-reuse', 'warn', 7, 1],
    ['warn-unrecognised', 'warn', 9, 1],
    ['fail-third-party-only', 'fail', 0, 1],
  ])('scores the %s fixture', async (name, status, score, findings) => {
    const { outcome } = await runOnFixture(licensePresent, name);
    expect(outcome).toMatchObject({ status, score });
    expect('findings' in outcome ? outcome.findings : []).toHaveLength(
      findings,
    );
  });

  it('names the license it found', async () => {
    const { outcome } = await runOnFixture(licensePresent, 'pass');
    expect(outcome).toMatchObject({ reason: 'Apache-2.0 license in LICENSE' });
  });

  it.each([
    [
      'LICENSE.md',
      'MIT License\n\nPermission is hereby granted, free of charge, to any person',
      10,
    ],
    [
      'COPYING',
      '                    GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007',
      10,
    ],
    ['LICENSE-APACHE', 'Apache License\nVersion 2.0, January 2004', 10],
    [
      'UNLICENSE',
      'This is free and unencumbered software released into the public domain.',
      10,
    ],
    ['LICENSE.txt', 'SPDX-License-Identifier: BSD-3-Clause', 10],
    ['LICENSE', 'Proprietary. All rights reserved.', 9],
  ])('scores %s', async (file, text, score) => {
    expect(
      await licensePresent.run(new InMemorySnapshot({ [file]: text })),
    ).toMatchObject({ score });
  });

  it('ignores license files below the top level other than LICENSES/', async () => {
    const s = new InMemorySnapshot({
      'vendor/x/LICENSE': 'MIT License',
      'src/license.ts': 'export {}',
    });
    expect(await licensePresent.run(s)).toMatchObject({
      status: 'fail',
      score: 0,
    });
  });
});
