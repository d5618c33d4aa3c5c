import {
  DEFAULT_NAMESPACE,
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { EntityMeta } from '../database/ScorecardStore';

/** The denormalised facts about an entity that the store keeps for org queries. */
export function entityMeta(entity: Entity): EntityMeta {
  const namespace = entity.metadata.namespace ?? DEFAULT_NAMESPACE;
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  return {
    entityRef: stringifyEntityRef(entity),
    kind: entity.kind,
    namespace,
    name: entity.metadata.name,
    title: entity.metadata.title,
    type: asString(spec.type),
    lifecycle: asString(spec.lifecycle),
    owner:
      relationTarget(entity, RELATION_OWNED_BY) ??
      normaliseRef(spec.owner, 'group', namespace),
    system:
      relationTarget(entity, RELATION_PART_OF, 'system') ??
      normaliseRef(spec.system, 'system', namespace),
  };
}

function relationTarget(
  entity: Entity,
  type: string,
  kind?: string,
): string | undefined {
  return entity.relations?.find(
    r =>
      r.type === type &&
      (!kind || r.targetRef.toLocaleLowerCase('en-US').startsWith(`${kind}:`)),
  )?.targetRef;
}

function normaliseRef(
  value: unknown,
  defaultKind: string,
  defaultNamespace: string,
): string | undefined {
  const ref = asString(value);
  if (!ref) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, { defaultKind, defaultNamespace }),
    );
  } catch {
    return undefined;
  }
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}
