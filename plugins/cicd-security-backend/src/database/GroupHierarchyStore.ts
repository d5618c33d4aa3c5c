/** A group of the catalog as the hierarchy needs it. */
export interface GroupNode {
  /** Lower-case group entity ref. */
  groupRef: string;
  title?: string;
  type?: string;
  parent?: string;
}

/** The group hierarchy with its closure, loaded in memory for roll-ups. */
export interface GroupHierarchy {
  groups: Map<string, GroupNode>;
  children: Map<string, string[]>;
  /** ancestor → every descendant (itself included). */
  descendants: Map<string, string[]>;
  /** Distance to the top of the hierarchy. */
  depth: Map<string, number>;
}

/**
 * The group hierarchy of the catalog and its closure table
 * `cicd_security_group_closure(ancestor, descendant, depth)`, used for owner
 * filters and team roll-ups.
 */
export interface GroupHierarchyStore {
  /**
   * Replace the hierarchy in one transaction. Parents that are not in the
   * list are dropped; cycles are cut where they close.
   */
  replace(nodes: GroupNode[]): Promise<{ groups: number; links: number }>;

  /** The whole hierarchy, loaded in memory for roll-ups. */
  load(): Promise<GroupHierarchy>;
}
