import { InventoryPackage, PackageInventory } from './model';

/**
 * One line per package, `ecosystem name@version direct file:line`, with
 * `~` before a declared (inexact) version and ` dev` for development
 * dependencies: a compact listing of an inventory for reviews and tests.
 */
export function describeInventory(
  inventory: PackageInventory | readonly InventoryPackage[],
): string[] {
  const packages = Array.isArray(inventory)
    ? inventory
    : (inventory as PackageInventory).packages;
  return packages.map(
    p =>
      `${p.ecosystem} ${p.name}@${p.exact ? '' : '~'}${p.version} ${
        p.direct === undefined ? 'unknown' : p.direct ? 'direct' : 'transitive'
      }${p.dev ? ' dev' : ''} ${p.file}:${p.line}`,
  );
}
