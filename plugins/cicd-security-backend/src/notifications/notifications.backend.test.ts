import {
  createBackendModule,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import {
  builtinChecks,
  createScorecardCheck,
} from '@cicd-security/plugin-cicd-security-node';
import { cicdSecurityChecksExtensionPoint } from '@cicd-security/plugin-cicd-security-node/extensions';
import fs from 'fs';
import { Knex } from 'knex';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { cicdSecurityPlugin } from '../plugin';
import { securityFileCheck } from '../testing/securityFileCheck';
import { NOTIFICATIONS_TABLE } from './NotificationLog';

/*
 * Notifications through the whole plugin: real scans of a local repository
 * whose files the test changes, the plugin's database (SQLite and
 * PostgreSQL), and a notifications service that records what it is asked to
 * send, next to a stand-in for the notifications backend plugin.
 */

jest.setTimeout(120_000);

/** Critical: a file named DANGER.txt, one finding per line. */
const dangerCheck = createScorecardCheck({
  id: 'test-danger',
  title: 'No DANGER.txt',
  description: 'A critical check added by a test module.',
  category: 'secrets-management',
  severity: 'critical',
  platforms: ['repository'],
  frameworks: [],
  run: snapshot => {
    const text = snapshot.read('DANGER.txt');
    if (text === undefined) return { status: 'pass', score: 10, findings: [] };
    return {
      status: 'fail',
      score: 0,
      findings: text
        .split('\n')
        .filter(Boolean)
        .map((line, i) => ({
          message: `Danger: ${line}`,
          file: 'DANGER.txt',
          line: i + 1,
        })),
    };
  },
});

const checksModule = createBackendModule({
  pluginId: 'cicd-security',
  moduleId: 'test-notification-checks',
  register(env) {
    env.registerInit({
      deps: { checks: cicdSecurityChecksExtensionPoint },
      async init({ checks }) {
        checks.addChecks(securityFileCheck, dangerCheck);
      },
    });
  },
});

/** Stands in for @backstage/plugin-notifications-backend. */
const notificationsPlugin = createBackendPlugin({
  pluginId: 'notifications',
  register(env) {
    env.registerInit({ deps: {}, async init() {} });
  },
});

function component(name: string, source: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: { 'backstage.io/source-location': source },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

const REF = 'component:default/payments';
const OWNER = 'group:default/team-a';

async function eventually<T>(
  fn: () => T | Promise<T>,
  ok: (value: T) => boolean,
): Promise<T> {
  let value = await fn();
  for (let i = 0; i < 200 && !ok(value); i++) {
    await new Promise(r => setTimeout(r, 25));
    value = await fn();
  }
  return value;
}

describe('notifications', () => {
  let root: string;
  let repo: string;
  let sent: NotificationSendOptions[];

  beforeEach(() => {
    root = fs.realpathSync(
      fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-notify-')),
    );
    repo = path.join(root, 'payments');
    fs.mkdirSync(repo);
    fs.writeFileSync(path.join(repo, 'SECURITY.md'), '# Policy\n');
    sent = [];
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function start(options: {
    knex?: Knex;
    notifications?: Record<string, boolean | number | string>;
    withNotificationsPlugin?: boolean;
    policies?: Array<{
      name: string;
      select: Record<string, string>;
      checksPassing: string[];
    }>;
  }) {
    return startTestBackend({
      features: [
        cicdSecurityPlugin,
        checksModule,
        ...(options.withNotificationsPlugin === false
          ? []
          : [notificationsPlugin]),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: async () => ({
            send: async (o: NotificationSendOptions) => {
              sent.push(o);
            },
          }),
        }),
        catalogServiceMock.factory({
          entities: [component('payments', `dir:${repo}`)],
        }),
        ...(options.knex
          ? [
              mockServices.database.factory({
                knex: options.knex,
                migrations: { skip: false },
              }),
            ]
          : []),
        mockServices.rootConfig.factory({
          data: {
            cicdSecurity: {
              sources: { localRoots: [root] },
              checks: Object.fromEntries(
                builtinChecks.map(c => [c.id, { enabled: false }]),
              ),
              ...(options.policies ? { policies: options.policies } : {}),
              ...(options.notifications
                ? { notifications: options.notifications }
                : {}),
            },
          },
        }),
        mockServices.scheduler.factory({
          skipTaskRunOnStartup: false,
          includeInitialDelayedTasksOnStartup: true,
        }),
      ],
    });
  }

  /** Rescans the component and waits until the new scorecard is stored. */
  async function scan(server: any): Promise<any> {
    const before = await request(server).get(
      `/api/cicd-security/scorecards/${encodeURIComponent(REF)}`,
    );
    const res = await request(server).post(
      `/api/cicd-security/scorecards/${encodeURIComponent(REF)}/refresh`,
    );
    expect(res.status).toBe(202);
    const card = await eventually(
      async () =>
        (
          await request(server).get(
            `/api/cicd-security/scorecards/${encodeURIComponent(REF)}`,
          )
        ).body,
      body => body.state === 'ok' && body.scannedAt !== before.body.scannedAt,
    );
    // The notifier runs right after the scorecard is stored.
    await new Promise(r => setTimeout(r, 300));
    return card;
  }

  async function firstScan(server: any): Promise<any> {
    return eventually(
      async () =>
        (
          await request(server).get(
            `/api/cicd-security/scorecards/${encodeURIComponent(REF)}`,
          )
        ).body,
      body => body.state === 'ok',
    );
  }

  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('%p', databaseId => {
    it('tells the owner once per change: a grade drop, a new critical finding; repeated scans and restarts send nothing again', async () => {
      const knex = await databases.init(databaseId);
      let backend = await start({ knex });
      try {
        const first = await firstScan(backend.server);
        expect(first.grade).toBe('A');
        await new Promise(r => setTimeout(r, 300));
        // The first scorecard is the baseline.
        expect(sent).toEqual([]);

        fs.rmSync(path.join(repo, 'SECURITY.md'));
        const dropped = await scan(backend.server);
        expect(dropped.grade).not.toBe('A');
        expect(sent).toEqual([
          {
            recipients: { type: 'entity', entityRef: OWNER },
            payload: expect.objectContaining({
              title: `payments: CI/CD security grade dropped from A to ${dropped.grade}`,
              link: '/catalog/default/component/payments/security',
              topic: 'CI/CD security',
              scope: `cicd-security:grade:${REF}`,
            }),
          },
        ]);

        // The same source scanned again: nothing new.
        fs.writeFileSync(path.join(repo, 'README.md'), '# Payments\n');
        await scan(backend.server);
        expect(sent).toHaveLength(1);
      } finally {
        await backend.stop();
      }

      // A restart keeps what was sent.
      backend = await start({ knex });
      try {
        fs.writeFileSync(path.join(repo, 'README.md'), '# Payments v2\n');
        await scan(backend.server);
        expect(sent).toHaveLength(1);

        fs.writeFileSync(path.join(repo, 'DANGER.txt'), 'token in the clear\n');
        await scan(backend.server);
        const critical = sent.filter(
          s => s.payload.scope === `cicd-security:critical:${REF}`,
        );
        expect(critical).toEqual([
          {
            recipients: { type: 'entity', entityRef: OWNER },
            payload: expect.objectContaining({
              title: 'payments: a new critical finding',
              description:
                'test-danger in DANGER.txt:1: Danger: token in the clear',
              severity: 'critical',
              link: '/catalog/default/component/payments/security',
            }),
          },
        ]);
        const count = sent.length;
        fs.writeFileSync(path.join(repo, 'README.md'), '# Payments v3\n');
        await scan(backend.server);
        expect(sent).toHaveLength(count);
        const rows = await knex(NOTIFICATIONS_TABLE)
          .where({ entity_ref: REF })
          .orderBy('subject');
        expect(rows.map(r => r.subject)).toEqual([
          expect.stringMatching(/^critical:test-danger:/),
          'grade',
        ]);
      } finally {
        await backend.stop();
      }
    });

    it('tells the owner once about a waiver that expires within seven days, and not again after a restart', async () => {
      const knex = await databases.init(databaseId);
      let backend = await start({ knex });
      try {
        await firstScan(backend.server);
        const soon = new Date(Date.now() + 3 * 86_400_000).toISOString();
        const later = new Date(Date.now() + 30 * 86_400_000).toISOString();
        for (const [checkId, expiresAt] of [
          ['test-security-file', soon],
          ['test-danger', later],
        ]) {
          const res = await request(backend.server)
            .post('/api/cicd-security/waivers')
            .send({
              checkId,
              scope: { type: 'entity', entityRef: REF },
              reason: 'Migration to the new pipeline in progress',
              expiresAt,
            });
          expect(res.status).toBe(201);
        }
      } finally {
        await backend.stop();
      }
      // The daily check runs when the backend starts (the test scheduler).
      sent = [];
      backend = await start({ knex });
      try {
        await eventually(
          () => sent,
          s => s.length > 0,
        );
        expect(sent).toEqual([
          {
            recipients: { type: 'entity', entityRef: OWNER },
            payload: expect.objectContaining({
              title:
                'Waiver of test-security-file for payments expires in 3 days',
              link: '/catalog/default/component/payments/security',
              topic: 'CI/CD security',
              scope: expect.stringMatching(/^cicd-security:waiver:/),
            }),
          },
        ]);
      } finally {
        await backend.stop();
      }
      sent = [];
      backend = await start({ knex });
      try {
        await firstScan(backend.server);
        await new Promise(r => setTimeout(r, 500));
        expect(sent).toEqual([]);
      } finally {
        await backend.stop();
      }
    });
  });

  it('sends nothing for the events that are switched off', async () => {
    const backend = await start({
      notifications: { gradeDrop: false, newCritical: true },
    });
    try {
      await firstScan(backend.server);
      fs.rmSync(path.join(repo, 'SECURITY.md'));
      await scan(backend.server);
      expect(sent).toEqual([]);
      fs.writeFileSync(path.join(repo, 'DANGER.txt'), 'one\n');
      await scan(backend.server);
      expect(sent.map(s => s.payload.scope)).toEqual([
        `cicd-security:critical:${REF}`,
      ]);
    } finally {
      await backend.stop();
    }
  });

  it('sends nothing when notifications are disabled', async () => {
    const backend = await start({ notifications: { enabled: false } });
    try {
      await firstScan(backend.server);
      fs.rmSync(path.join(repo, 'SECURITY.md'));
      fs.writeFileSync(path.join(repo, 'DANGER.txt'), 'one\n');
      const card = await scan(backend.server);
      expect(card.grade).not.toBe('A');
      expect(sent).toEqual([]);
    } finally {
      await backend.stop();
    }
  });

  it('starts and scans without the notifications backend, sending nothing', async () => {
    const backend = await startTestBackend({
      features: [
        cicdSecurityPlugin,
        checksModule,
        catalogServiceMock.factory({
          entities: [component('payments', `dir:${repo}`)],
        }),
        mockServices.rootConfig.factory({
          data: {
            cicdSecurity: {
              sources: { localRoots: [root] },
              checks: Object.fromEntries(
                builtinChecks.map(c => [c.id, { enabled: false }]),
              ),
            },
          },
        }),
        mockServices.scheduler.factory({
          skipTaskRunOnStartup: false,
          includeInitialDelayedTasksOnStartup: true,
        }),
      ],
    });
    try {
      expect((await firstScan(backend.server)).grade).toBe('A');
      fs.rmSync(path.join(repo, 'SECURITY.md'));
      const card = await scan(backend.server);
      expect(card.grade).not.toBe('A');
    } finally {
      await backend.stop();
    }
  });

  it('does not notify when the notifications plugin is not installed', async () => {
    const backend = await start({ withNotificationsPlugin: false });
    try {
      await firstScan(backend.server);
      fs.rmSync(path.join(repo, 'SECURITY.md'));
      await scan(backend.server);
      expect(sent).toEqual([]);
    } finally {
      await backend.stop();
    }
  });

  it('tells the owner when the component falls out of a policy it met', async () => {
    const backend = await start({
      policies: [
        {
          name: 'Production services',
          select: { lifecycle: 'production' },
          checksPassing: ['test-security-file'],
        },
      ],
      notifications: { gradeDrop: false },
    });
    try {
      await firstScan(backend.server);
      fs.rmSync(path.join(repo, 'SECURITY.md'));
      await scan(backend.server);
      expect(sent).toEqual([
        {
          recipients: { type: 'entity', entityRef: OWNER },
          payload: expect.objectContaining({
            title: "payments: out of policy 'Production services'",
            scope: `cicd-security:policy:${REF}`,
          }),
        },
      ]);
      fs.writeFileSync(path.join(repo, 'README.md'), '# again\n');
      await scan(backend.server);
      expect(sent).toHaveLength(1);
    } finally {
      await backend.stop();
    }
  });
});
