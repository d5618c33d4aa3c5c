import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { NotificationPayload } from '@backstage/plugin-notifications-common';
import {
  Finding,
  Grade,
  GRADES,
  PolicyStatus,
  Scorecard,
  Waiver,
} from '@cicd-security/plugin-cicd-security-common';
import { NotificationLog } from './NotificationLog';
import { NotificationSettings } from './settings';

/** What the notifier hands to Backstage's `notificationService.send`. */
export interface NotificationMessage {
  recipients: { type: 'entity'; entityRef: string | string[] };
  payload: NotificationPayload;
}

/** Sends one message (the notifications service, or a test double). */
export type SendNotification = (message: NotificationMessage) => Promise<void>;

/** The policies a component is in or out of, from its latest scorecard. */
export type PolicyStatusLookup = (
  scorecard: Scorecard,
) => Promise<Array<{ policy: string; status: PolicyStatus }>>;

/** Read before a scan is stored: the baseline to compare the new scorecard with. */
export interface BeforeScan {
  entityRef: string;
  /** The last grade the notifier saw; undefined when it has no record. */
  lastGrade?: string | null;
  /** The stored scorecard's grade, read only when the notifier has no record. */
  previousGrade?: Grade | null;
}

export const NOTIFICATION_TOPIC = 'CI/CD security';

const worse = (a: string, b: string) =>
  GRADES.indexOf(a as Grade) > GRADES.indexOf(b as Grade);

const GRADE = 'grade';
const CRITICAL = 'critical:';
const POLICY = 'policy:';
const WAIVER = 'waiver:';

/**
 * Tells a component's owner when its scorecard gets worse: the grade drops,
 * a critical finding appears, it falls out of a policy, a portal waiver is
 * about to expire. What was seen and sent is kept in the database, so a
 * repeated scan or a restart sends nothing new, and each message has a
 * `scope` per component and event, so a later one replaces it in the inbox.
 */
export class ScorecardNotifier {
  constructor(
    private readonly options: {
      log: NotificationLog;
      send: SendNotification;
      settings: NotificationSettings;
      logger: LoggerService;
      /** Evaluates the organisation's policies (absent: no policy events). */
      policyStatus?: PolicyStatusLookup;
    },
  ) {}

  /** The Security tab of an entity, relative to the portal's base URL. */
  securityTabLink(entityRef: string): string {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    const tab = this.options.settings.securityTabPath;
    return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
      kind.toLocaleLowerCase('en-US'),
    )}/${encodeURIComponent(name)}${tab ? `/${tab}` : ''}`;
  }

  /** Reads the baseline before a new scan of the entity is stored. */
  async beforeScan(
    entityRef: string,
    previous: () => Promise<Scorecard | undefined>,
  ): Promise<BeforeScan> {
    const row = await this.options.log.get(entityRef, GRADE);
    if (row) return { entityRef, lastGrade: row.value };
    return { entityRef, previousGrade: (await previous())?.grade ?? null };
  }

  /** Compares the newly stored scorecard with the baseline and notifies. */
  async afterScan(before: BeforeScan, scorecard: Scorecard): Promise<void> {
    await this.gradeDrop(before, scorecard);
    await this.newCritical(scorecard);
    await this.outOfPolicy(scorecard);
  }

  private async gradeDrop(before: BeforeScan, card: Scorecard): Promise<void> {
    const { log, settings } = this.options;
    const ref = card.entityRef;
    const grade = card.grade;
    if (!grade) return;
    let from: string | null | undefined;
    let recorded: boolean;
    if (before.lastGrade !== undefined) {
      if (before.lastGrade === grade) return;
      from = before.lastGrade;
      const drop = !!from && worse(grade, from) && settings.gradeDrop;
      recorded = await log.swap(ref, GRADE, from, grade, drop);
    } else {
      from = before.previousGrade;
      const drop = !!from && worse(grade, from) && settings.gradeDrop;
      recorded = await log.claim(ref, GRADE, grade, drop);
    }
    // Sent by whichever scan recorded the change, once.
    if (!recorded || !from || !worse(grade, from) || !settings.gradeDrop) {
      return;
    }
    await this.send(card, {
      title: `${displayName(
        card,
      )}: CI/CD security grade dropped from ${from} to ${grade}`,
      description: `The scan of ${formatDate(card.scannedAt)} scored ${
        card.score ?? 'no score'
      } (grade ${grade}, was ${from}). The Security tab lists what fails and what to fix first.`,
      severity: grade === 'F' || grade === 'D' ? 'high' : 'normal',
      scope: `cicd-security:grade:${ref}`,
    });
  }

  private async newCritical(card: Scorecard): Promise<void> {
    const { log, settings } = this.options;
    const ref = card.entityRef;
    const open = card.checks
      .filter(c => !c.waiver)
      .flatMap(c => c.findings)
      .filter(
        (f): f is Finding =>
          f.severity === 'critical' && !f.suppressed && !!f.fingerprint,
      );
    const key = (f: Finding) => `${CRITICAL}${f.checkId}:${f.fingerprint}`;
    // A fixed finding is forgotten, so its return is news again.
    const present = new Set(open.map(key));
    const gone = (await log.subjects(ref, CRITICAL)).filter(
      s => !present.has(s),
    );
    if (gone.length) await log.forget(ref, gone);
    if (!settings.newCritical) return;
    const fresh: Finding[] = [];
    for (const f of open) {
      if (f.newSinceLastScan !== true) continue;
      if (await log.claim(ref, key(f), f.checkId, true)) fresh.push(f);
    }
    if (!fresh.length) return;
    const first = fresh[0];
    const where = first.file
      ? ` in ${first.file}${first.line ? `:${first.line}` : ''}`
      : '';
    await this.send(card, {
      title: `${displayName(card)}: ${
        fresh.length === 1
          ? 'a new critical finding'
          : `${fresh.length} new critical findings`
      }`,
      description: `${first.checkId}${where}: ${first.message}${
        fresh.length > 1 ? ` (and ${fresh.length - 1} more)` : ''
      }`,
      severity: 'critical',
      scope: `cicd-security:critical:${ref}`,
    });
  }

  private async outOfPolicy(card: Scorecard): Promise<void> {
    const { log, settings, policyStatus } = this.options;
    if (!policyStatus) return;
    const ref = card.entityRef;
    const results = await policyStatus(card);
    const fallen: string[] = [];
    for (const { policy, status } of results) {
      if (status !== 'in-policy' && status !== 'out-of-policy') continue;
      const subject = `${POLICY}${policy}`;
      const row = await log.get(ref, subject);
      if (!row) {
        // First evaluation: the baseline, nothing to compare with.
        await log.claim(ref, subject, status, false);
        continue;
      }
      if (row.value === status) continue;
      const fell = status === 'out-of-policy' && settings.outOfPolicy;
      if ((await log.swap(ref, subject, row.value, status, fell)) && fell) {
        fallen.push(policy);
      }
    }
    if (!fallen.length) return;
    await this.send(card, {
      title: `${displayName(card)}: out of policy ${fallen
        .map(p => `'${p}'`)
        .join(', ')}`,
      description: `The scan of ${formatDate(card.scannedAt)} no longer meets ${
        fallen.length === 1 ? 'the policy' : 'the policies'
      } ${fallen.join(', ')}. The Security tab shows which requirement fails.`,
      severity: 'high',
      scope: `cicd-security:policy:${ref}`,
    });
  }

  /**
   * One message per active waiver expiring within the configured days, to
   * the owner of the component (or the owner the waiver covers).
   */
  async waiversExpiring(
    waivers: Waiver[],
    ownerOf: (entityRef: string) => Promise<string | undefined>,
    now: Date,
  ): Promise<number> {
    const { log, settings, send, logger } = this.options;
    if (!settings.waiverExpiring) return 0;
    const horizon = now.getTime() + settings.waiverExpiringDays * 86_400_000;
    let sent = 0;
    for (const w of waivers) {
      const expires = Date.parse(w.expiresAt);
      if (!w.active || w.revokedAt || !(expires > now.getTime())) continue;
      if (expires > horizon) continue;
      const scopeRef =
        w.scope.type === 'entity' ? w.scope.entityRef : w.scope.ownerRef;
      const owner =
        w.scope.type === 'entity'
          ? await ownerOf(w.scope.entityRef)
          : w.scope.ownerRef;
      if (!owner) {
        logger.debug(
          `No owner to tell that waiver ${w.id} of ${scopeRef} expires`,
        );
        continue;
      }
      if (!(await log.claim(scopeRef, `${WAIVER}${w.id}`, w.expiresAt, true))) {
        continue;
      }
      const days = Math.max(
        1,
        Math.ceil((expires - now.getTime()) / 86_400_000),
      );
      const what =
        w.scope.type === 'entity'
          ? shortName(w.scope.entityRef)
          : `every component of ${shortName(w.scope.ownerRef)}`;
      await send({
        recipients: { type: 'entity', entityRef: owner },
        payload: {
          title: `Waiver of ${w.checkId} for ${what} expires in ${days} day${
            days === 1 ? '' : 's'
          }`,
          description: `It expires on ${formatDate(
            w.expiresAt,
          )}; the check will count against the score again unless it is fixed or the waiver renewed. Reason given: ${
            w.reason
          }`,
          link:
            w.scope.type === 'entity'
              ? this.securityTabLink(w.scope.entityRef)
              : '/cicd-security',
          severity: 'normal',
          topic: NOTIFICATION_TOPIC,
          scope: `cicd-security:waiver:${w.id}`,
        },
      });
      sent++;
    }
    return sent;
  }

  private async send(
    card: Scorecard,
    payload: Omit<NotificationPayload, 'topic' | 'link'>,
  ): Promise<void> {
    if (!card.owner) {
      this.options.logger.debug(
        `${card.entityRef} has no owner to notify: ${payload.title}`,
      );
      return;
    }
    await this.options.send({
      recipients: { type: 'entity', entityRef: card.owner },
      payload: {
        ...payload,
        link: this.securityTabLink(card.entityRef),
        topic: NOTIFICATION_TOPIC,
      },
    });
  }
}

function displayName(card: Scorecard): string {
  return card.title ?? card.name;
}

function shortName(ref: string): string {
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
}

function formatDate(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : 'today';
}
