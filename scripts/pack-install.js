#!/usr/bin/env node
/*
 * Pack-and-install test: the packages are used as their users get them.
 *
 * Builds the plugin packages and the CLI, packs each with `npm pack` (the
 * Backstage prepack/postpack rewrite package.json for publishing), installs
 * the tarballs into an empty folder outside the repository (no workspaces, no
 * links: only the registry and the tarballs) and checks that
 *   - the installed CLI scans a fixture repository exactly as the CLI run from
 *     source does (exit code, statuses, findings), and `explain` prints a guide;
 *   - the engine returns every built-in check's guide through readCheckGuide;
 *   - the backend plugin loads and ships its migrations and config schema
 *     (config.d.ts as compiled by the prepack: config.schema.json);
 *   - the GitHub, GitLab, SonarQube and Snyk modules load, ship their config
 *     schema, and supply only facts the installed engine declares;
 *   - the OSV module loads, ships its config schema and its migrations, and
 *     finds them where it looks (resolvePackagePath);
 *   - the frontend plugin's tarball holds its build and points at it, and it
 *     installs next to React 18 and React Router 6 (its peer dependencies,
 *     as an app provides them) with every import of its build resolvable.
 *
 * Usage: node scripts/pack-install.js [--keep]   (--keep leaves the temporary
 * folder and the packages' dist/ folders in place for inspection)
 */
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const keep = process.argv.includes('--keep');
const PACKAGES = [
  'plugins/cicd-security-common',
  'plugins/cicd-security-node',
  'plugins/cicd-security-backend',
  'plugins/cicd-security-backend-module-github',
  'plugins/cicd-security-backend-module-gitlab',
  'plugins/cicd-security-backend-module-osv',
  'plugins/cicd-security-backend-module-sonarqube',
  'plugins/cicd-security-backend-module-snyk',
  'plugins/cicd-security',
  'packages/cli',
];
const FRONTEND = 'plugins/cicd-security';
const FIXTURE =
  'plugins/cicd-security-node/src/checks/__fixtures__/unpinned-actions/fail';
const GUIDES = path.join(root, 'plugins/cicd-security-node/guides');

const started = Date.now();
const timings = [];
const seconds = ms => `${(ms / 1000).toFixed(1)} s`;

class StepError extends Error {}

/** Runs a command; resolves with its output, or rejects with all of it. */
function run(cmd, args, { cwd = root, env = process.env, allowFail } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => (stdout += d));
    child.stderr.on('data', d => (stderr += d));
    child.on('error', reject);
    child.on('close', code => {
      const result = { code, stdout, stderr };
      if (code === 0 || allowFail) resolve(result);
      else {
        reject(
          new StepError(
            `${cmd} ${args.join(' ')} (in ${cwd}) exited with ${code}\n` +
              `--- stdout\n${stdout}\n--- stderr\n${stderr}`,
          ),
        );
      }
    });
  });
}

async function step(name, fn) {
  const t0 = Date.now();
  console.log(`== [${seconds(t0 - started)}] ${name}`);
  try {
    const value = await fn();
    timings.push([name, Date.now() - t0]);
    return value;
  } catch (e) {
    timings.push([`${name} (FAILED)`, Date.now() - t0]);
    throw e;
  }
}

/** Runs fn over items, two at a time (the build machines have few cores). */
async function inPairs(items, fn) {
  const queue = [...items];
  const worker = async () => {
    while (queue.length) await fn(queue.shift());
  };
  await Promise.all([worker(), worker()]);
}

function check(condition, message) {
  if (!condition) throw new StepError(message);
}

const hadDist = new Set(
  PACKAGES.filter(p => fs.existsSync(path.join(root, p, 'dist'))),
);
let tmp;

/** package.json back as in the repository, should a pack stop half-way. */
async function restorePackageJsons() {
  for (const p of PACKAGES) {
    if (fs.existsSync(path.join(root, p, 'package.json-prepack'))) {
      console.log(`restoring ${p}/package.json`);
      await run('npx', ['backstage-cli', 'package', 'postpack'], {
        cwd: path.join(root, p),
      });
    }
  }
}

async function main() {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-security-pack-'));
  const tarballs = path.join(tmp, 'tarballs');
  const app = path.join(tmp, 'app');
  fs.mkdirSync(tarballs);
  fs.mkdirSync(app);

  await step('type declarations of the packed packages (tsc)', async () => {
    // Only the packed packages, without their tests, into the repository's
    // dist-types where the package builds look for them.
    const config = path.join(root, 'dist-types', 'tsconfig.pack-install.json');
    fs.mkdirSync(path.dirname(config), { recursive: true });
    fs.writeFileSync(
      config,
      JSON.stringify({
        extends: '../tsconfig.json',
        include: [
          ...PACKAGES.map(p => `../${p}/src`),
          '../plugins/*/config.d.ts',
        ],
        exclude: [
          '../node_modules',
          '../**/*.test.ts',
          '../**/*.test.tsx',
          '../**/__fixtures__',
        ],
        compilerOptions: { incremental: false },
      }),
    );
    try {
      const tsc = await run('npx', ['tsc', '-p', config], { allowFail: true });
      if (tsc.code !== 0) {
        // The type check proper is its own step; declarations are still written.
        console.log(`warning: tsc reported errors\n${tsc.stdout}${tsc.stderr}`);
      }
    } finally {
      fs.rmSync(config, { force: true });
    }
  });

  await step('build (backstage-cli package build)', () =>
    inPairs(PACKAGES, p =>
      run('npx', ['backstage-cli', 'package', 'build'], {
        cwd: path.join(root, p),
      }),
    ),
  );

  const packed = {};
  await step(
    'pack (npm pack, with the Backstage prepack/postpack)',
    async () => {
      try {
        await inPairs(PACKAGES, async p => {
          const dest = path.join(tarballs, p.replace(/\//g, '_'));
          fs.mkdirSync(dest);
          await run('npm', ['pack', '--pack-destination', dest], {
            cwd: path.join(root, p),
          });
          const [file] = fs.readdirSync(dest).filter(f => f.endsWith('.tgz'));
          check(file, `npm pack wrote no tarball for ${p}`);
          packed[p] = path.join(dest, file);
        });
      } finally {
        await restorePackageJsons();
      }
    },
  );

  const listing = {};
  const manifest = {};
  await step('tarball contents', async () => {
    for (const p of PACKAGES) {
      const files = (await run('tar', ['-tzf', packed[p]])).stdout
        .split('\n')
        .filter(Boolean)
        .map(f => f.replace(/^package\//, ''));
      listing[p] = new Set(files);
      manifest[p] = JSON.parse(
        (await run('tar', ['-xzOf', packed[p], 'package/package.json'])).stdout,
      );
      const pkg = manifest[p];
      check(
        !files.some(f => f.startsWith('src/')),
        `${p}: the tarball holds sources`,
      );
      check(
        pkg.main && pkg.main.startsWith('dist/') && listing[p].has(pkg.main),
        `${p}: main is '${pkg.main}', not a file of the tarball's dist/`,
      );
      if (p !== 'packages/cli') {
        check(
          listing[p].has(pkg.types),
          `${p}: types '${pkg.types}' is not in the tarball`,
        );
      }
    }
    const guides = fs.readdirSync(GUIDES).filter(f => f.endsWith('.md'));
    for (const g of guides) {
      check(
        listing['plugins/cicd-security-node'].has(`guides/${g}`),
        `the engine's tarball lacks guides/${g}`,
      );
    }
    check(
      listing['packages/cli'].has('bin/cicd-security'),
      "the CLI's tarball lacks bin/cicd-security",
    );
    check(
      manifest[FRONTEND].main === 'dist/index.esm.js',
      `the frontend plugin's main is ${manifest[FRONTEND].main}`,
    );
  });

  // Nothing of the repository is reachable from the app folder: plain node,
  // no NODE_PATH, tarballs and the registry only.
  const env = { ...process.env };
  delete env.NODE_PATH;
  delete env.NODE_OPTIONS;
  fs.writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({
      name: 'pack-install-app',
      version: '1.0.0',
      private: true,
    }),
  );
  await step('npm install the tarballs (backend, engine, common, CLI)', () =>
    run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        ...PACKAGES.filter(p => p !== FRONTEND).map(p => packed[p]),
      ],
      { cwd: app, env },
    ),
  );

  await step(
    'installed packages are real folders outside the repository',
    () => {
      for (const p of PACKAGES.filter(x => x !== FRONTEND)) {
        const dir = path.join(app, 'node_modules', manifest[p].name);
        check(
          !fs.lstatSync(dir).isSymbolicLink(),
          `${manifest[p].name} is a link`,
        );
        check(
          !fs.realpathSync(dir).startsWith(root),
          `${manifest[p].name} resolves into the repository`,
        );
      }
    },
  );

  await step(
    'installed CLI scans a fixture repository like the source CLI',
    async () => {
      fs.cpSync(path.join(root, FIXTURE), path.join(app, 'fixture'), {
        recursive: true,
      });
      const bin = path.join(app, 'node_modules', '.bin', 'cicd-security');
      check(fs.existsSync(bin), 'node_modules/.bin/cicd-security is missing');
      const args = ['scan', 'fixture', '--format', 'json'];
      const installed = await run(bin, args, {
        cwd: app,
        env,
        allowFail: true,
      });
      const source = await run(
        process.execPath,
        [path.join(root, 'packages/cli/bin/cicd-security'), ...args],
        { cwd: app, allowFail: true },
      );
      const output = `--- installed CLI (exit ${installed.code})\n${installed.stdout}${installed.stderr}`;
      check(
        installed.code === 1,
        `expected exit code 1 (gate failed)\n${output}`,
      );
      check(
        installed.code === source.code,
        `exit ${installed.code}, the source CLI exits ${source.code}\n${output}`,
      );
      const normalise = out => {
        const report = JSON.parse(out);
        for (const t of report.targets) delete t.durationMs;
        return report;
      };
      const got = normalise(installed.stdout);
      const want = normalise(source.stdout);
      const unpinned = got.targets[0].checks.find(
        c => c.checkId === 'unpinned-actions',
      );
      check(
        unpinned && unpinned.status === 'fail' && unpinned.findings.length > 0,
        `unpinned-actions does not fail on the fixture\n${output}`,
      );
      check(
        JSON.stringify(got) === JSON.stringify(want),
        `the installed CLI's report differs from the source CLI's\n${output}\n--- source CLI\n${source.stdout}`,
      );
    },
  );

  await step('installed CLI explains a check with its guide', async () => {
    const bin = path.join(app, 'node_modules', '.bin', 'cicd-security');
    const { stdout } = await run(bin, ['explain', 'unpinned-actions'], {
      cwd: app,
      env,
    });
    const guide = fs.readFileSync(
      path.join(GUIDES, 'unpinned-actions.md'),
      'utf8',
    );
    // The guide, then the controls it maps to, exactly as the source CLI prints them.
    const source = await run(
      process.execPath,
      [
        path.join(root, 'packages/cli/bin/cicd-security'),
        'explain',
        'unpinned-actions',
      ],
      { cwd: app },
    );
    check(
      stdout.startsWith(guide) && stdout.includes('\n## Frameworks\n'),
      `explain printed something else than the guide and its frameworks:\n${stdout}`,
    );
    check(
      stdout === source.stdout,
      `explain differs from the source CLI's:\n${stdout}\n--- source CLI\n${source.stdout}`,
    );
  });

  await step(
    "installed engine returns every built-in check's guide",
    async () => {
      const probe = `
      const engine = require('@cicd-security/plugin-cicd-security-node');
      const guides = {};
      for (const c of engine.builtinChecks) guides[c.id] = engine.readCheckGuide(c.id);
      console.log(JSON.stringify({
        resolved: require.resolve('@cicd-security/plugin-cicd-security-node'),
        guides,
        listed: engine.listCheckGuides(),
        outside: engine.readCheckGuide('../package'),
      }));`;
      const { stdout } = await run(process.execPath, ['-e', probe], {
        cwd: app,
        env,
      });
      const result = JSON.parse(stdout);
      check(
        result.resolved.startsWith(path.join(app, 'node_modules')) &&
          result.resolved.includes(`${path.sep}dist${path.sep}`),
        `the engine resolved to ${result.resolved}`,
      );
      const ids = Object.keys(result.guides);
      check(ids.length >= 40, `only ${ids.length} built-in checks`);
      for (const id of ids) {
        const want = fs.readFileSync(path.join(GUIDES, `${id}.md`), 'utf8');
        check(result.guides[id] === want, `readCheckGuide('${id}') is wrong`);
      }
      check(
        JSON.stringify(result.listed) === JSON.stringify([...ids].sort()),
        `listCheckGuides() is ${result.listed}`,
      );
      check(
        result.outside === undefined,
        'readCheckGuide read outside guides/',
      );
    },
  );

  await step(
    'installed backend plugin: loads, migrations, config schema',
    async () => {
      const name = manifest['plugins/cicd-security-backend'].name;
      const dir = path.join(app, 'node_modules', name);
      const pkg = JSON.parse(
        fs.readFileSync(path.join(dir, 'package.json'), 'utf8'),
      );
      // The Backstage prepack compiles config.d.ts into config.schema.json,
      // which replaces it in the published files.
      const schemaFile = path.join(dir, pkg.configSchema ?? 'none');
      check(
        pkg.configSchema && fs.existsSync(schemaFile),
        `configSchema is ${pkg.configSchema}, not a file of the package`,
      );
      if (schemaFile.endsWith('.json')) {
        const schema = fs.readFileSync(schemaFile, 'utf8');
        check(
          schema.includes('"cicdSecurity"') && schema.includes('"guidesDir"'),
          `${pkg.configSchema} does not describe the cicdSecurity settings`,
        );
      }
      const want = fs
        .readdirSync(
          path.join(root, 'plugins/cicd-security-backend/migrations'),
        )
        .sort();
      const got = fs.existsSync(path.join(dir, 'migrations'))
        ? fs.readdirSync(path.join(dir, 'migrations')).sort()
        : [];
      check(
        want.length > 0 && JSON.stringify(got) === JSON.stringify(want),
        `migrations: ${got.join(', ') || 'none'}; expected ${want.join(', ')}`,
      );
      const { stdout } = await run(
        process.execPath,
        ['-e', `console.log(typeof require(${JSON.stringify(name)}).default)`],
        { cwd: app, env },
      );
      check(
        stdout.trim() === 'object',
        `the plugin's default export is ${stdout}`,
      );
    },
  );

  await step(
    'installed OSV module: loads, config schema, migrations',
    async () => {
      const name = manifest['plugins/cicd-security-backend-module-osv'].name;
      const dir = path.join(app, 'node_modules', name);
      const pkg = JSON.parse(
        fs.readFileSync(path.join(dir, 'package.json'), 'utf8'),
      );
      check(
        pkg.configSchema && fs.existsSync(path.join(dir, pkg.configSchema)),
        `configSchema is ${pkg.configSchema}, not a file of the package`,
      );
      const want = fs
        .readdirSync(
          path.join(
            root,
            'plugins/cicd-security-backend-module-osv/migrations',
          ),
        )
        .sort();
      const probe = `
        const fs = require('fs');
        const m = require(${JSON.stringify(name)});
        const { resolvePackagePath } = require('@backstage/backend-plugin-api');
        const migrations = resolvePackagePath(${JSON.stringify(
          name,
        )}, 'migrations');
        console.log(JSON.stringify({
          module: typeof m.default,
          database: typeof m.OsvApiAdvisoryDatabase,
          table: m.MIGRATIONS_TABLE,
          migrations: fs.existsSync(migrations) ? fs.readdirSync(migrations).sort() : [],
        }));`;
      const { stdout } = await run(process.execPath, ['-e', probe], {
        cwd: app,
        env,
      });
      const result = JSON.parse(stdout);
      check(
        result.module === 'object' &&
          result.database === 'function' &&
          result.table === 'cicd_security_osv_knex_migrations' &&
          want.length > 0 &&
          JSON.stringify(result.migrations) === JSON.stringify(want),
        `the OSV module exports ${stdout}; expected migrations ${want.join(
          ', ',
        )}`,
      );
    },
  );

  // The fact modules: each loads, ships its config schema, and supplies at
  // least the facts it is known for, every one declared by the installed
  // engine (a module built against another engine would feed checks facts
  // they never read).
  for (const [dir, label, factsExport, atLeast] of [
    [
      'plugins/cicd-security-backend-module-github',
      'GitHub',
      'GITHUB_FACTS',
      15,
    ],
    [
      'plugins/cicd-security-backend-module-gitlab',
      'GitLab',
      'GITLAB_FACTS',
      8,
    ],
    [
      'plugins/cicd-security-backend-module-sonarqube',
      'SonarQube',
      'SONARQUBE_FACTS',
      1,
    ],
    ['plugins/cicd-security-backend-module-snyk', 'Snyk', 'SNYK_FACTS', 1],
  ]) {
    await step(`installed ${label} module: loads, config schema`, async () => {
      const name = manifest[dir].name;
      const moduleDir = path.join(app, 'node_modules', name);
      const pkg = JSON.parse(
        fs.readFileSync(path.join(moduleDir, 'package.json'), 'utf8'),
      );
      check(
        pkg.configSchema &&
          fs.existsSync(path.join(moduleDir, pkg.configSchema)),
        `configSchema is ${pkg.configSchema}, not a file of the package`,
      );
      const probe = `
        const m = require(${JSON.stringify(name)});
        const engine = require('@cicd-security/plugin-cicd-security-node');
        const facts = m[${JSON.stringify(factsExport)}];
        console.log(JSON.stringify({
          module: typeof m.default,
          facts: facts.length,
          undeclared: facts.filter(n => !engine.isFactName(n)),
        }));`;
      const { stdout } = await run(process.execPath, ['-e', probe], {
        cwd: app,
        env,
      });
      const result = JSON.parse(stdout);
      check(
        // Every fact it supplies is one the installed engine declares.
        result.module === 'object' &&
          result.facts >= atLeast &&
          result.undeclared.length === 0,
        `the ${label} module exports ${stdout}`,
      );
    });
  }

  await step(
    'npm install the frontend plugin beside React 18 and React Router 6, as an app does',
    () =>
      run(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--prefer-offline',
          'react@18',
          'react-dom@18',
          'react-router-dom@6',
          packed[FRONTEND],
        ],
        { cwd: app, env },
      ),
  );

  await step(
    'installed frontend plugin: every import of its build resolves',
    () => {
      const name = manifest[FRONTEND].name;
      const dir = path.join(app, 'node_modules', name);
      const files = [];
      const walk = d => {
        for (const f of fs.readdirSync(d, { withFileTypes: true })) {
          const p = path.join(d, f.name);
          if (f.isDirectory()) walk(p);
          else if (/\.m?js$/.test(f.name)) files.push(p);
        }
      };
      walk(path.join(dir, 'dist'));
      const packages = new Set();
      for (const f of files) {
        const text = fs.readFileSync(f, 'utf8');
        for (const m of text.matchAll(
          /(?:from|import)\s*['"]([^'".][^'"]*)['"]/g,
        )) {
          const parts = m[1].split('/');
          packages.add(
            m[1].startsWith('@') ? parts.slice(0, 2).join('/') : parts[0],
          );
        }
      }
      check(files.length > 0, `${name} has no built files`);
      const missing = [...packages].filter(p => {
        try {
          require.resolve(`${p}/package.json`, { paths: [dir] });
          return false;
        } catch {
          return true;
        }
      });
      check(
        missing.length === 0,
        `${name} imports packages that are not installed: ${missing.join(
          ', ',
        )}`,
      );
    },
  );
}

main()
  .then(
    () => 0,
    e => {
      console.error(
        `\npack-install FAILED: ${
          e instanceof StepError ? e.message : e.stack
        }`,
      );
      return 1;
    },
  )
  .then(async code => {
    try {
      await restorePackageJsons();
    } catch (e) {
      console.error(`could not restore a package.json: ${e.message}`);
      code = 1;
    }
    if (!keep) {
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
      for (const p of PACKAGES) {
        if (!hadDist.has(p))
          fs.rmSync(path.join(root, p, 'dist'), {
            recursive: true,
            force: true,
          });
      }
    } else if (tmp) {
      console.log(`kept ${tmp}`);
    }
    console.log('\npack-install timings:');
    for (const [name, ms] of timings)
      console.log(`  ${seconds(ms).padStart(8)}  ${name}`);
    console.log(`  ${seconds(Date.now() - started).padStart(8)}  total`);
    process.exitCode = code;
  });
