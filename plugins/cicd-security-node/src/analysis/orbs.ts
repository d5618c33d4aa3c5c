/** An orb version that names one release: `1.2.3`. */
const EXACT_SEMVER_RE = /^\d+\.\d+\.\d+$/;

/** An orb pinned to an exact release: `1.2.3` (not `volatile`, `1`, `1.2`, `dev:…`). */
export function orbPinned(value: string): {
  name: string;
  version?: string;
  pinned: boolean;
} {
  const at = value.lastIndexOf('@');
  const name = at === -1 ? value : value.slice(0, at);
  const version = at === -1 ? undefined : value.slice(at + 1);
  return { name, version, pinned: !!version && EXACT_SEMVER_RE.test(version) };
}
