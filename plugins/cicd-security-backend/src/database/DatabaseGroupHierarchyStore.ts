import { Knex } from 'knex';
import {
  GroupHierarchy,
  GroupHierarchyStore,
  GroupNode,
} from './GroupHierarchyStore';
import {
  GROUP_CLOSURE,
  GROUPS,
  RawDbGroupClosureRow,
  RawDbGroupRow,
} from './tables';

const BATCH_SIZE = 500;

/** The knex implementation of {@link GroupHierarchyStore}. */
export class DatabaseGroupHierarchyStore implements GroupHierarchyStore {
  constructor(private readonly db: Knex) {}

  /**
   * Replace the hierarchy in one transaction. Parents that are not in the
   * list are dropped; cycles are cut where they close.
   */
  async replace(
    nodes: GroupNode[],
  ): Promise<{ groups: number; links: number }> {
    const byRef = new Map<string, GroupNode>();
    for (const n of nodes) {
      byRef.set(n.groupRef.toLocaleLowerCase('en-US'), {
        ...n,
        groupRef: n.groupRef.toLocaleLowerCase('en-US'),
        parent: n.parent?.toLocaleLowerCase('en-US'),
      });
    }
    const closure: RawDbGroupClosureRow[] = [];
    for (const node of byRef.values()) {
      const seen = new Set<string>();
      let current: GroupNode | undefined = node;
      let depth = 0;
      while (current && !seen.has(current.groupRef)) {
        seen.add(current.groupRef);
        closure.push({
          ancestor: current.groupRef,
          descendant: node.groupRef,
          depth,
        });
        current = current.parent ? byRef.get(current.parent) : undefined;
        depth++;
      }
    }
    const groupRows: RawDbGroupRow[] = [...byRef.values()].map(n => ({
      group_ref: n.groupRef,
      title: n.title ?? null,
      type: n.type ?? null,
      parent_ref: n.parent && byRef.has(n.parent) ? n.parent : null,
    }));
    await this.db.transaction(async tx => {
      await tx(GROUP_CLOSURE).delete();
      await tx(GROUPS).delete();
      for (let i = 0; i < groupRows.length; i += BATCH_SIZE) {
        await tx(GROUPS).insert(groupRows.slice(i, i + BATCH_SIZE));
      }
      for (let i = 0; i < closure.length; i += BATCH_SIZE) {
        await tx(GROUP_CLOSURE).insert(closure.slice(i, i + BATCH_SIZE));
      }
    });
    return { groups: groupRows.length, links: closure.length };
  }

  async load(): Promise<GroupHierarchy> {
    const [groupRows, closureRows] = await Promise.all([
      this.db<RawDbGroupRow>(GROUPS).select('*'),
      this.db<RawDbGroupClosureRow>(GROUP_CLOSURE).select('*'),
    ]);
    const groups = new Map<string, GroupNode>();
    const children = new Map<string, string[]>();
    for (const r of groupRows) {
      groups.set(r.group_ref, {
        groupRef: r.group_ref,
        ...(r.title ? { title: r.title } : {}),
        ...(r.type ? { type: r.type } : {}),
        ...(r.parent_ref ? { parent: r.parent_ref } : {}),
      });
    }
    for (const r of groupRows) {
      if (r.parent_ref) {
        const list = children.get(r.parent_ref) ?? [];
        list.push(r.group_ref);
        children.set(r.parent_ref, list);
      }
    }
    for (const list of children.values()) list.sort();
    const descendants = new Map<string, string[]>();
    const depth = new Map<string, number>();
    for (const r of closureRows) {
      const list = descendants.get(r.ancestor) ?? [];
      list.push(r.descendant);
      descendants.set(r.ancestor, list);
      if (r.ancestor === r.descendant) continue;
      depth.set(r.descendant, Math.max(depth.get(r.descendant) ?? 0, r.depth));
    }
    for (const ref of groups.keys()) {
      if (!depth.has(ref)) depth.set(ref, 0);
      if (!descendants.has(ref)) descendants.set(ref, [ref]);
    }
    return { groups, children, descendants, depth };
  }
}
