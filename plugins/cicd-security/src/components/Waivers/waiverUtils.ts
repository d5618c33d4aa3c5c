import {
  Entity,
  RELATION_OWNED_BY,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Waiver,
  cicdSecurityWaiverManagePermission,
} from '@cicd-security/plugin-cicd-security-common';

/** Minimum length of a waiver reason. */
export const MIN_REASON_LENGTH = 10;
/** Default lifetime of a new waiver, in days. */
export const DEFAULT_WAIVER_DAYS = 90;

/** `YYYY-MM-DD` of a date in the user's time zone, as a date input holds it. */
export function toDateInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(
    date.getDate(),
  )}`;
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days);
}

export function addYears(date: Date, years: number): Date {
  return new Date(date.getFullYear() + years, date.getMonth(), date.getDate());
}

/** The end of the chosen day in the user's time zone, as an ISO date-time. */
export function endOfDayIso(dateInput: string): string {
  const [year, month, day] = dateInput.split('-').map(Number);
  return new Date(year, month - 1, day, 23, 59, 59).toISOString();
}

/** The owner of an entity as a full entity ref, from its relations or `spec.owner`. */
export function entityOwnerRef(entity: Entity): string | undefined {
  const relation = entity.relations?.find(r => r.type === RELATION_OWNED_BY);
  if (relation) {
    return relation.targetRef;
  }
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || !owner) {
    return undefined;
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

/** `alice` for `user:default/alice`; the namespace is kept when not `default`. */
export function shortRef(ref: string): string {
  try {
    const { namespace, name } = parseEntityRef(ref);
    return namespace === 'default' ? name : `${namespace}/${name}`;
  } catch {
    return ref;
  }
}

export function statusCodeOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

/** Whether the user may create or revoke waivers on the given entity. */
export function useWaiverPermission(resourceRef: string | undefined) {
  return usePermission({
    permission: cicdSecurityWaiverManagePermission,
    resourceRef,
  });
}

/** The waiver's state for display. */
export function waiverState(waiver: Waiver): 'active' | 'expired' | 'revoked' {
  if (waiver.revokedAt) {
    return 'revoked';
  }
  return waiver.active ? 'active' : 'expired';
}
