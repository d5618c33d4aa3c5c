import { Config } from '@backstage/config';

/** Which events `cicdSecurity.notifications` sends to the owning group. */
export interface NotificationSettings {
  /** False turns every message off. */
  enabled: boolean;
  /** A component's grade got worse than at its previous scan. */
  gradeDrop: boolean;
  /** A scan found a critical finding the previous scan did not have. */
  newCritical: boolean;
  /** A component stopped meeting a policy it met before. */
  outOfPolicy: boolean;
  /** A portal waiver expires within `waiverExpiringDays`. */
  waiverExpiring: boolean;
  /** How far ahead an expiring waiver is announced (7 days). */
  waiverExpiringDays: number;
  /**
   * Where the entity pages live in the portal, for the links of the messages
   * (the Security tab is `<entityPath>/security`).
   */
  securityTabPath: string;
}

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  enabled: true,
  gradeDrop: true,
  newCritical: true,
  outOfPolicy: true,
  waiverExpiring: true,
  waiverExpiringDays: 7,
  securityTabPath: 'security',
};

/**
 * Reads `cicdSecurity.notifications`. Every event is on by default; nothing
 * is sent unless the notifications backend plugin is installed.
 */
export function readNotificationSettings(config: Config): NotificationSettings {
  const c = config.getOptionalConfig('cicdSecurity.notifications');
  if (!c) return { ...DEFAULT_NOTIFICATION_SETTINGS };
  const flag = (key: keyof NotificationSettings) =>
    c.getOptionalBoolean(key) ??
    (DEFAULT_NOTIFICATION_SETTINGS[key] as boolean);
  const days =
    c.getOptionalNumber('waiverExpiringDays') ??
    DEFAULT_NOTIFICATION_SETTINGS.waiverExpiringDays;
  if (!Number.isInteger(days) || days < 1 || days > 365) {
    throw new Error(
      `cicdSecurity.notifications.waiverExpiringDays must be a whole number of days from 1 to 365, got ${days}`,
    );
  }
  const securityTabPath = (
    c.getOptionalString('securityTabPath') ??
    DEFAULT_NOTIFICATION_SETTINGS.securityTabPath
  ).replace(/^\/+|\/+$/g, '');
  return {
    enabled: flag('enabled'),
    gradeDrop: flag('gradeDrop'),
    newCritical: flag('newCritical'),
    outOfPolicy: flag('outOfPolicy'),
    waiverExpiring: flag('waiverExpiring'),
    waiverExpiringDays: days,
    securityTabPath,
  };
}
