import { parseEntityRef } from '@backstage/catalog-model';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { useOptionalRouteRef } from '../../utils';

/** A function giving the Security tab of an entity's page. */
export function useSecurityTabLink(): (entityRef: string) => string {
  const entityRoute = useOptionalRouteRef(entityRouteRef);
  return (entityRef: string) => {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    const params = {
      kind: kind.toLocaleLowerCase('en-US'),
      namespace: namespace.toLocaleLowerCase('en-US'),
      name,
    };
    const base = entityRoute
      ? entityRoute(params)
      : `/catalog/${params.namespace}/${params.kind}/${name}`;
    return `${base.replace(/\/$/, '')}/security`;
  };
}
