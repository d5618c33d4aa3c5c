export { readPackageInventory, isInventoryFile } from './inventory';
export type { PackageInventoryOptions } from './inventory';
export { isExactActionRef } from './actions';
export type {
  InventoryEcosystem,
  InventoryPackage,
  PackageInventory,
} from './model';
export { MAX_PACKAGES_PER_FILE } from './model';
export { describeInventory } from './describeInventory';
export {
  NPM_LOCKFILES,
  PYTHON_LOCKFILES,
  isVendoredPath,
  declaredNpmDependencyFields,
  parseJsonManifest,
} from './manifests';
export type { JsonManifest } from './manifests';
