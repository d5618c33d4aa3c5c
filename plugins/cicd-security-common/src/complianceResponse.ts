/*
 * The payload of `GET /compliance/:framework`: one framework's view of an
 * entity, a team (through the group hierarchy) or the organisation.
 */
import type {
  ComplianceView,
  ControlResult,
  ControlStatus,
  SlsaEstimate,
} from './compliance/types';

/** What the view covers. */
export type ComplianceScope =
  | { type: 'entity'; entityRef: string }
  | { type: 'owner'; owner: string }
  | { type: 'org' };

/** `GET /compliance/:framework`. */
export interface ComplianceResponse extends Omit<ComplianceView, 'controls'> {
  scope: ComplianceScope;
  /**
   * Per control: its status and evidence; for a team or the organisation
   * also how many components are in each status.
   */
  controls: Array<ControlResult & { entities?: Record<ControlStatus, number> }>;
  /**
   * Components in the scope: evaluated from their latest scorecard, or not
   * evaluated (never scanned, no source).
   */
  components: { evaluated: number; notEvaluated: number };
  /** For an entity: the estimated SLSA Build level. */
  slsa?: SlsaEstimate;
}
