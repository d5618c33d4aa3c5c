import {
  AuthService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  DEFAULT_NAMESPACE,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  GroupHierarchyStore,
  GroupNode,
} from '../database/GroupHierarchyStore';

const PAGE_SIZE = 1000;

/** Every 30 minutes, and shortly after start. */
export const DEFAULT_GROUP_HIERARCHY_SCHEDULE: SchedulerServiceTaskScheduleDefinition =
  {
    frequency: { minutes: 30 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 15 },
    scope: 'global',
  };

/**
 * Refreshes the group hierarchy (`cicd_security_group_closure`) from the
 * catalog's Group entities, read with the plugin's own service credentials.
 */
export class GroupHierarchyTask {
  constructor(
    private readonly options: {
      scheduler: SchedulerService;
      logger: LoggerService;
      catalog: CatalogService;
      auth: AuthService;
      store: GroupHierarchyStore;
      schedule?: SchedulerServiceTaskScheduleDefinition;
    },
  ) {}

  async start(): Promise<void> {
    await this.options.scheduler.scheduleTask({
      id: 'cicd-security-group-hierarchy',
      ...(this.options.schedule ?? DEFAULT_GROUP_HIERARCHY_SCHEDULE),
      fn: () => this.run().then(() => undefined),
    });
  }

  async run(): Promise<{ groups: number; links: number }> {
    const { catalog, auth, store, logger } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const fields = [
      'kind',
      'metadata.namespace',
      'metadata.name',
      'metadata.title',
      'spec.type',
      'spec.parent',
      'spec.profile.displayName',
    ];
    const nodes: GroupNode[] = [];
    let cursor: string | undefined;
    do {
      const page = await catalog.queryEntities(
        cursor
          ? { cursor, fields, limit: PAGE_SIZE }
          : { filter: { kind: 'Group' }, fields, limit: PAGE_SIZE },
        { credentials },
      );
      for (const e of page.items) nodes.push(toNode(e));
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    const result = await store.replace(nodes);
    logger.info(
      `Group hierarchy refreshed: ${result.groups} groups, ${result.links} closure links`,
    );
    return result;
  }
}

function toNode(entity: Entity): GroupNode {
  const namespace = entity.metadata.namespace ?? DEFAULT_NAMESPACE;
  const spec = (entity.spec ?? {}) as {
    type?: unknown;
    parent?: unknown;
    profile?: { displayName?: unknown };
  };
  let parent: string | undefined;
  if (typeof spec.parent === 'string' && spec.parent) {
    try {
      parent = stringifyEntityRef(
        parseEntityRef(spec.parent, {
          defaultKind: 'group',
          defaultNamespace: namespace,
        }),
      );
    } catch {
      parent = undefined;
    }
  }
  const title =
    entity.metadata.title ??
    (typeof spec.profile?.displayName === 'string'
      ? spec.profile.displayName
      : undefined);
  return {
    groupRef: stringifyEntityRef({
      kind: 'group',
      namespace,
      name: entity.metadata.name,
    }),
    ...(title ? { title } : {}),
    ...(typeof spec.type === 'string' ? { type: spec.type } : {}),
    ...(parent ? { parent } : {}),
  };
}
