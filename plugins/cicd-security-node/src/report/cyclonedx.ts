import { createHash } from 'crypto';
import {
  InventoryEcosystem,
  InventoryPackage,
  normalisePythonName,
  PackageInventory,
} from '../parsers/lockfiles/model';
import { ENGINE_VERSION } from '../version';

/** A name/value pair of CycloneDX; names may repeat. */
export interface CycloneDxProperty {
  name: string;
  value: string;
}

/** A component of a CycloneDX BOM, as {@link toCycloneDx} writes it. */
export interface CycloneDxComponent {
  type: 'library' | 'application';
  'bom-ref': string;
  group?: string;
  name: string;
  version?: string;
  scope?: 'required' | 'optional';
  purl: string;
  properties: CycloneDxProperty[];
}

/** The CycloneDX 1.5 JSON BOM that {@link toCycloneDx} writes. */
export interface CycloneDxBom {
  bomFormat: 'CycloneDX';
  specVersion: '1.5';
  serialNumber: string;
  version: 1;
  metadata: {
    timestamp?: string;
    tools: {
      components: Array<{ type: 'application'; name: string; version: string }>;
    };
    component: {
      type: 'application';
      name: string;
      version?: string;
      properties?: CycloneDxProperty[];
    };
  };
  components: CycloneDxComponent[];
}

export interface CycloneDxOptions {
  /** Name of the described software: the component or repository. */
  name: string;
  /** Its version, when it has one. */
  version?: string;
  /** The commit the inventory was read from (property `cicd-security:revision`). */
  revision?: string;
  /**
   * When the BOM was made (`metadata.timestamp`): a Date, or an ISO 8601
   * string written as given. Without it the BOM has no timestamp and the
   * same inventory gives byte-identical output.
   */
  timestamp?: Date | string;
}

/** Property names of components, prefixed as CycloneDX recommends for tools' own. */
export const CYCLONEDX_PROPERTIES = {
  file: 'cicd-security:file',
  line: 'cicd-security:line',
  versionExact: 'cicd-security:version-exact',
  declaredVersion: 'cicd-security:declared-version',
  revision: 'cicd-security:revision',
} as const;

const PURL_TYPE: Record<InventoryEcosystem, string> = {
  npm: 'npm',
  PyPI: 'pypi',
  Go: 'golang',
  'crates.io': 'cargo',
  RubyGems: 'gem',
  Packagist: 'composer',
  Maven: 'maven',
  NuGet: 'nuget',
  'GitHub Actions': 'githubactions',
};

const UTF8 = new TextEncoder();

/**
 * Percent-encodes one purl component as the purl spec says: UTF-8, every
 * octet but ASCII letters, digits, `.-_~` and `:` as `%XX`. Lone
 * surrogates become U+FFFD (as TextEncoder writes them) instead of
 * throwing as `encodeURIComponent` does.
 */
export function purlEncode(text: string): string {
  if (/^[A-Za-z0-9.\-_~:]*$/.test(text)) return text;
  let out = '';
  for (const byte of UTF8.encode(text)) {
    const c = String.fromCharCode(byte);
    out +=
      /[A-Za-z0-9.\-_~:]/.test(c) && byte < 0x80
        ? c
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Identity of a package in purl terms, before encoding. */
interface PurlParts {
  type: string;
  /** Namespace segments (empty ones are dropped). */
  namespace: string[];
  name: string;
}

/** Splits at the first `sep`: [before, after], or [undefined, text] without one. */
function splitFirst(text: string, sep: string): [string | undefined, string] {
  const i = text.indexOf(sep);
  return i === -1 ? [undefined, text] : [text.slice(0, i), text.slice(i + 1)];
}

/** Splits at the last `/`: [namespace segments, name]. */
function splitPath(text: string): [string[], string] {
  const segments = text.split('/').filter(Boolean);
  const name = segments.pop() ?? '';
  return [segments, name];
}

/**
 * The purl type, namespace and name of a package, with each type's
 * normalisation: npm, Composer and GitHub Actions names lower-cased,
 * PyPI names in PEP 503 form (lower case, runs of `-_.` as `-`). Go module
 * paths keep their case: Go's module paths are case-sensitive (the proxy
 * escapes capitals), so lower-casing them would name another module.
 * NuGet, Cargo, RubyGems and Maven names are written as the file spells them.
 */
function purlParts(pkg: InventoryPackage): PurlParts {
  const type = PURL_TYPE[pkg.ecosystem];
  const name = pkg.name;
  switch (pkg.ecosystem) {
    case 'npm': {
      const lower = name.toLowerCase();
      if (lower.startsWith('@')) {
        const [scope, rest] = splitFirst(lower, '/');
        if (scope !== undefined && rest) {
          return { type, namespace: [scope], name: rest };
        }
      }
      return { type, namespace: [], name: lower };
    }
    case 'PyPI':
      return { type, namespace: [], name: normalisePythonName(name) };
    case 'Go': {
      const [namespace, last] = splitPath(name);
      return { type, namespace, name: last };
    }
    case 'Packagist':
    case 'GitHub Actions': {
      const [owner, rest] = splitFirst(name.toLowerCase(), '/');
      return { type, namespace: owner ? [owner] : [], name: rest };
    }
    case 'Maven': {
      const [group, artifact] = splitFirst(name, ':');
      return { type, namespace: group ? [group] : [], name: artifact };
    }
    default:
      return { type, namespace: [], name };
  }
}

/** The version a purl carries: the exact version, or an action's ref as written. */
function purlVersion(pkg: InventoryPackage): string | undefined {
  // An action's ref is what runs, moving or not (the spec's own examples
  // are `@v5` and `@main`); other inexact versions are ranges, not versions.
  if (pkg.ecosystem === 'GitHub Actions') return pkg.version || undefined;
  return pkg.exact && pkg.version ? pkg.version : undefined;
}

/**
 * The package URL of an inventory package (`pkg:npm/%40scope/name@1.0.0`),
 * or undefined for a package without a name.
 */
export function packageUrl(pkg: InventoryPackage): string | undefined {
  const parts = purlParts(pkg);
  if (!parts.name) return undefined;
  const version = purlVersion(pkg);
  return `pkg:${parts.type}/${[...parts.namespace, parts.name]
    .map(purlEncode)
    .join('/')}${version === undefined ? '' : `@${purlEncode(version)}`}`;
}

/** Ordinal (code unit) comparison, the same on every machine and locale. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Merged {
  purl: string;
  parts: PurlParts;
  version?: string;
  exact: boolean;
  /** Development-only in every location. */
  dev: boolean;
  declared: Set<string>;
  locations: Map<string, { file: string; line: number }>;
}

function componentOf(m: Merged): CycloneDxComponent {
  const properties: CycloneDxProperty[] = [];
  const locations = [...m.locations.values()].sort(
    (a, b) => compare(a.file, b.file) || a.line - b.line,
  );
  for (const l of locations) {
    properties.push({ name: CYCLONEDX_PROPERTIES.file, value: l.file });
    properties.push({ name: CYCLONEDX_PROPERTIES.line, value: String(l.line) });
  }
  if (!m.exact) {
    properties.push({
      name: CYCLONEDX_PROPERTIES.versionExact,
      value: 'false',
    });
    for (const d of [...m.declared].sort(compare)) {
      properties.push({ name: CYCLONEDX_PROPERTIES.declaredVersion, value: d });
    }
  }
  const component: CycloneDxComponent = {
    type: 'library',
    'bom-ref': m.purl,
    ...(m.parts.namespace.length ? { group: m.parts.namespace.join('/') } : {}),
    name: m.parts.name,
    ...(m.version === undefined ? {} : { version: m.version }),
    scope: m.dev ? 'optional' : 'required',
    purl: m.purl,
    properties,
  };
  return component;
}

/**
 * Components of an inventory, one per purl: the same package listed by
 * several files (or several times) is one component with every location.
 * A component is inexact when one of its entries is, and optional
 * (development-only) only when every entry is.
 */
function components(
  packages: readonly InventoryPackage[],
): CycloneDxComponent[] {
  const byPurl = new Map<string, Merged>();
  for (const pkg of packages) {
    const purl = packageUrl(pkg);
    if (purl === undefined) continue;
    let m = byPurl.get(purl);
    if (!m) {
      m = {
        purl,
        parts: purlParts(pkg),
        version: purlVersion(pkg),
        exact: true,
        dev: true,
        declared: new Set(),
        locations: new Map(),
      };
      byPurl.set(purl, m);
    }
    if (!pkg.exact) {
      m.exact = false;
      if (pkg.version) m.declared.add(pkg.version);
    }
    if (!pkg.dev) m.dev = false;
    m.locations.set(`${pkg.line}:${pkg.file}`, {
      file: pkg.file,
      line: pkg.line,
    });
  }
  return [...byPurl.values()]
    .sort((a, b) => compare(a.purl, b.purl))
    .map(componentOf);
}

/**
 * An RFC 4122 version 5 (SHA-1, name-based) UUID of `name` in this
 * module's namespace.
 */
function uuidV5(name: string): string {
  // The RFC's URL namespace; the name is prefixed with the tool's own URN.
  const namespace = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');
  const hash = createHash('sha1')
    .update(namespace)
    .update(`urn:cicd-security:cyclonedx:${name}`)
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(
    12,
    16,
  )}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A CycloneDX 1.5 JSON BOM of a package inventory (see
 * `readPackageInventory`): one component per package URL, sorted by purl,
 * with the files and lines that list it as `cicd-security:file` /
 * `cicd-security:line` property pairs (in that order, file then line).
 * Versions that are not exact (ranges of manifests, moving refs) are left
 * out of the purl and of `version` and marked with
 * `cicd-security:version-exact` = `false`, the declared spec as
 * `cicd-security:declared-version`; a GitHub Actions ref stays in the
 * purl and `version`, since it names what runs. Development-only packages
 * have scope `optional`, the others `required`.
 *
 * The serial number is a version 5 UUID of the BOM's content (timestamp
 * included), so the same inventory and options give byte-identical
 * `JSON.stringify` output, and a different content a different serial.
 */
export function toCycloneDx(
  inventory: PackageInventory | readonly InventoryPackage[],
  options: CycloneDxOptions,
): CycloneDxBom {
  const packages = Array.isArray(inventory)
    ? (inventory as readonly InventoryPackage[])
    : (inventory as PackageInventory).packages;
  const timestamp =
    options.timestamp === undefined
      ? undefined
      : typeof options.timestamp === 'string'
      ? options.timestamp
      : options.timestamp.toISOString();
  const metadata: CycloneDxBom['metadata'] = {
    ...(timestamp === undefined ? {} : { timestamp }),
    tools: {
      components: [
        { type: 'application', name: 'cicd-security', version: ENGINE_VERSION },
      ],
    },
    component: {
      type: 'application',
      name: options.name,
      ...(options.version === undefined ? {} : { version: options.version }),
      ...(options.revision === undefined
        ? {}
        : {
            properties: [
              { name: CYCLONEDX_PROPERTIES.revision, value: options.revision },
            ],
          }),
    },
  };
  const list = components(packages);
  const serialNumber = `urn:uuid:${uuidV5(
    JSON.stringify({ metadata, components: list }),
  )}`;
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber,
    version: 1,
    metadata,
    components: list,
  };
}
