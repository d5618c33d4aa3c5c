import type { FrameworkRef } from '../types';
import { complianceFrameworks } from './frameworks';
import { CHECK_CONTROLS } from './mappings';
import type {
  ComplianceFramework,
  ComplianceFrameworkId,
  ControlRef,
  FrameworkControl,
} from './types';

const BY_ID = new Map(complianceFrameworks.map(f => [f.id, f]));

/** The framework with this id; throws on an unknown id. */
export function complianceFramework(
  id: ComplianceFrameworkId,
): ComplianceFramework {
  const framework = BY_ID.get(id);
  if (!framework) {
    throw new Error(
      `Unknown compliance framework '${id}'; known: ${[...BY_ID.keys()].join(
        ', ',
      )}`,
    );
  }
  return framework;
}

/** The control of a framework, or undefined. */
export function frameworkControl(
  framework: ComplianceFrameworkId,
  control: string,
): FrameworkControl | undefined {
  return BY_ID.get(framework)?.controls.find(c => c.id === control);
}

/** The compliance controls a check evidences, framework by framework in their order. */
export function controlsOfCheck(checkId: string): ControlRef[] {
  const mapping = CHECK_CONTROLS[checkId];
  if (!mapping) return [];
  return complianceFrameworks.flatMap(f =>
    (mapping[f.id] ?? []).map(control => ({ framework: f.id, control })),
  );
}

/** The checks that evidence a control, in the mappings' order. */
export function checksOfControl(
  framework: ComplianceFrameworkId,
  control: string,
): string[] {
  return Object.entries(CHECK_CONTROLS)
    .filter(([, mapping]) => mapping[framework]?.includes(control))
    .map(([checkId]) => checkId);
}

/**
 * The compliance part of a check's `frameworks` metadata, built from the
 * mappings (with the metadata's framework ids: `osps`, `slsa`…).
 */
export function frameworkRefsOfCheck(checkId: string): FrameworkRef[] {
  return controlsOfCheck(checkId).map(ref => ({
    framework: complianceFramework(ref.framework).metadataId,
    control: ref.control,
  }));
}

/** The compliance framework whose metadata id this is (`osps` → `osps-baseline`), if any. */
export function complianceFrameworkOfMetadataId(
  metadataId: string,
): ComplianceFramework | undefined {
  return complianceFrameworks.find(f => f.metadataId === metadataId);
}

/** The frameworks of a check's metadata, grouped for display. */
export interface FrameworkMappingGroup {
  /** The id in the metadata (`owasp-cicd-top10`, `osps`, `zizmor`…). */
  framework: string;
  /** The compliance framework's id, for compliance frameworks. */
  complianceFramework?: ComplianceFrameworkId;
  title: string;
  version?: string;
  url?: string;
  /** The controls (or peer scanners' rules), with the control's title and link when known. */
  controls: Array<{ id: string; title?: string; url?: string }>;
}

const PEER_SCANNERS: Record<string, string> = {
  zizmor: 'zizmor',
  poutine: 'poutine',
  legitify: 'Legitify',
};

/**
 * A check's `frameworks` grouped by framework, compliance frameworks first
 * (in `complianceFrameworks` order, controls in the framework's order), then
 * peer scanners' rules; titles and links come from the frameworks' data.
 */
export function groupFrameworkRefs(
  refs: FrameworkRef[],
): FrameworkMappingGroup[] {
  const groups: FrameworkMappingGroup[] = [];
  for (const f of complianceFrameworks) {
    const ids = new Set(
      refs.filter(r => r.framework === f.metadataId).map(r => r.control),
    );
    if (ids.size === 0) continue;
    const known = f.controls.filter(c => ids.has(c.id));
    const unknown = [...ids].filter(id => !known.some(c => c.id === id));
    groups.push({
      framework: f.metadataId,
      complianceFramework: f.id,
      title: f.title,
      version: f.version,
      url: f.url,
      controls: [
        ...known.map(c => ({
          id: c.id,
          title: c.title,
          ...(c.url ? { url: c.url } : {}),
        })),
        ...unknown.map(id => ({ id })),
      ],
    });
  }
  for (const r of refs) {
    if (complianceFrameworkOfMetadataId(r.framework)) continue;
    let group = groups.find(g => g.framework === r.framework);
    if (!group) {
      group = {
        framework: r.framework,
        title: PEER_SCANNERS[r.framework] ?? r.framework,
        controls: [],
      };
      groups.push(group);
    }
    if (!group.controls.some(c => c.id === r.control))
      group.controls.push({ id: r.control });
  }
  return groups;
}
