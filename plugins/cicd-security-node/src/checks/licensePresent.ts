import { RepoSnapshot } from '../snapshot';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/** License file names OpenSSF Scorecard recognises: LICENSE, LICENCE, COPYING, COPYRIGHT, UNLICENSE, MIT-LICENSE… with optional suffixes. */
const LICENSE_NAME =
  /^(?:(?:un)?licen[cs]e|copying|copyright|mit-licen[cs]e|licen[cs]e[-_.][\w.+-]+|[\w.+-]+[-_.]licen[cs]e|copying[-_.][\w.+-]+)(?:\.(?:md|markdown|txt|rst|html|adoc|org))?$/i;

/** Texts of FSF- or OSI-approved licenses, by a phrase each one contains. */
const APPROVED: Array<[string, RegExp]> = [
  ['Apache-2.0', /Apache License,?\s+Version 2\.0/i],
  ['MIT', /Permission is hereby granted, free of charge|\bMIT License\b/i],
  ['BSD', /Redistribution and use in source and binary forms/i],
  ['ISC', /Permission to use, copy, modify, and\/or distribute this software/i],
  ['AGPL', /GNU AFFERO GENERAL PUBLIC LICENSE/i],
  [
    'LGPL',
    /GNU LESSER GENERAL PUBLIC LICENSE|GNU LIBRARY GENERAL PUBLIC LICENSE/i,
  ],
  ['GPL', /GNU GENERAL PUBLIC LICENSE/i],
  ['MPL-2.0', /Mozilla Public License,?\s+(?:Version|v\.?)\s*2\.0/i],
  ['EPL', /Eclipse Public License/i],
  [
    'Unlicense',
    /This is free and unencumbered software released into the public domain/i,
  ],
  ['BSL-1.0', /Boost Software License/i],
  ['CC0-1.0', /CC0 1\.0 Universal|Creative Commons Zero/i],
  [
    'Zlib',
    /This software is provided 'as-is', without any express or implied\s+warranty/i,
  ],
  ['Artistic-2.0', /The Artistic License 2\.0/i],
  ['EUPL', /European Union Public Licen[cs]e/i],
  [
    '0BSD',
    /Permission to use, copy, modify, and\/or distribute this software for any purpose with or without fee/i,
  ],
];
const SPDX_APPROVED =
  /^(?:Apache-2\.0|MIT|BSD-[234]-Clause(?:-\w+)?|0BSD|ISC|[AL]?GPL-[23]\.[01](?:-only|-or-later|\+)?|MPL-2\.0|EPL-[12]\.0|Unlicense|BSL-1\.0|CC0-1\.0|Zlib|Artistic-2\.0|EUPL-1\.[12]|MIT-0|PostgreSQL|Python-2\.0|UPL-1\.0)$/i;

export interface LicenseFile {
  file: string;
  topLevel: boolean;
  spdx?: string;
}

/** License files in the root or in the REUSE `LICENSES/` folder, root first. */
export function findLicenses(snapshot: RepoSnapshot): LicenseFile[] {
  const out: LicenseFile[] = [];
  for (const f of snapshot.files()) {
    const top = !f.includes('/');
    const reuse = /^LICENSES\/[^/]+$/i.test(f);
    if (!(top && LICENSE_NAME.test(f)) && !reuse) continue;
    const text = snapshot.read(f) ?? '';
    const byName = reuse
      ? f.slice('LICENSES/'.length).replace(/\.(?:txt|md)$/i, '')
      : undefined;
    const spdx =
      (byName && SPDX_APPROVED.test(byName) ? byName : undefined) ??
      /SPDX-License-Identifier:\s*([\w.+-]+)/
        .exec(text)?.[1]
        ?.match(SPDX_APPROVED)?.[0] ??
      APPROVED.find(([, re]) => re.test(text))?.[0];
    out.push({ file: f, topLevel: top, spdx });
  }
  return out.sort((a, b) => Number(b.topLevel) - Number(a.topLevel));
}

/**
 * Without a license nobody may legally use, change or redistribute the code;
 * a recognised one lets users and compliance tooling know their obligations.
 */
export const licensePresent = createScorecardCheck({
  id: 'license-present',
  title: 'License present',
  description:
    'The repository has a license file (OpenSSF Scorecard points: 6 for a license file, 3 for having it at the top level, 1 for an FSF- or OSI-approved license).',
  category: 'compliance',
  severity: 'low',
  platforms: ['repository'],
  remediationUrl:
    'https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/licensing-a-repository',
  run(snapshot) {
    const licenses = findLicenses(snapshot);
    if (licenses.length === 0) {
      return outcome.fail(0, [
        {
          message:
            'No license file: add LICENSE at the top level with an OSI-approved license such as Apache-2.0 or MIT',
          fingerprintKey: 'no-license',
          suggestedFix: {
            description:
              'Add a LICENSE file with the full text of the chosen license',
            replacement: 'LICENSE',
          },
        },
      ]);
    }
    const best =
      licenses.find(l => l.topLevel && l.spdx) ??
      licenses.find(l => l.topLevel) ??
      licenses.find(l => l.spdx) ??
      licenses[0];
    let score = 6;
    const findings: CheckFinding[] = [];
    if (licenses.some(l => l.topLevel)) score += 3;
    else {
      findings.push({
        message: `The license is in ${best.file} only; add a LICENSE file at the top level where people and tools look for it`,
        file: best.file,
        fingerprintKey: 'license-not-top-level',
      });
    }
    if (best.spdx || licenses.some(l => l.spdx)) score += 1;
    else {
      findings.push({
        message: `${best.file} is not recognised as an FSF- or OSI-approved license`,
        file: best.file,
        line: 1,
        column: 1,
        fingerprintKey: 'license-not-recognised',
      });
    }
    if (score === 10)
      return outcome.pass(`${best.spdx} license in ${best.file}`);
    return {
      status: 'warn',
      score,
      findings,
      reason: `license in ${best.file}`,
    };
  },
});
