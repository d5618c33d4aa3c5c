/** The annotations of the Backstage Snyk plugin that this module reads. */
export const SNYK_ORG_ID_ANNOTATION = 'snyk.io/org-id';
export const SNYK_TARGET_ID_ANNOTATION = 'snyk.io/target-id';
export const SNYK_PROJECT_IDS_ANNOTATION = 'snyk.io/project-ids';
export const SNYK_EXCLUDE_PROJECT_IDS_ANNOTATION =
  'snyk.io/exclude-project-ids';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a component's annotations ask for. */
export type SnykSelection =
  | {
      orgId: string;
      /** A target: all its projects. */
      targetId?: string;
      /** Or these projects. */
      projectIds?: string[];
      exclude: string[];
    }
  | { error: string };

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);

/** Whether the annotations name a Snyk organization and a target or projects. */
export function hasSnykAnnotations(
  annotations: Record<string, string> | undefined,
): boolean {
  return Boolean(
    annotations?.[SNYK_ORG_ID_ANNOTATION]?.trim() &&
      (annotations[SNYK_TARGET_ID_ANNOTATION]?.trim() ||
        list(annotations[SNYK_PROJECT_IDS_ANNOTATION]).length),
  );
}

/**
 * Read the annotations: `snyk.io/project-ids` (comma-separated) wins over
 * `snyk.io/target-id`. Ids only: Snyk's REST API filters by id, and the
 * ids are what go into URLs, so anything but a UUID is refused.
 */
export function readSnykAnnotations(
  annotations: Record<string, string>,
): SnykSelection {
  const orgId = annotations[SNYK_ORG_ID_ANNOTATION]?.trim() ?? '';
  const projectIds = list(annotations[SNYK_PROJECT_IDS_ANNOTATION]);
  const targetId = annotations[SNYK_TARGET_ID_ANNOTATION]?.trim();
  const exclude = list(annotations[SNYK_EXCLUDE_PROJECT_IDS_ANNOTATION]);
  const bad = [
    [SNYK_ORG_ID_ANNOTATION, orgId],
    ...projectIds.map(id => [SNYK_PROJECT_IDS_ANNOTATION, id]),
    ...(projectIds.length || !targetId
      ? []
      : [[SNYK_TARGET_ID_ANNOTATION, targetId]]),
  ].find(([, id]) => !UUID.test(id));
  if (bad) {
    return {
      error: `the annotation ${bad[0]} holds '${bad[1].slice(
        0,
        100,
      )}', not a Snyk id (a UUID): target and organization names are not looked up`,
    };
  }
  return projectIds.length
    ? { orgId, projectIds, exclude }
    : { orgId, targetId, exclude };
}
