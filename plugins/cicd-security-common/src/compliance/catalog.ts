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
