import {
  CreateWaiverRequest,
  Waiver,
  WaiverScope,
} from '@cicd-security/plugin-cicd-security-common';

export type { WaiverInfo } from './rows';

export interface ListWaiversFilter {
  entityRef?: string;
  checkId?: string;
  owner?: string;
  active?: boolean;
}

/** Portal waivers with their audit trail. */
export interface WaiverStore {
  /** Records the waiver and rescoring of the entities it covers. */
  create(request: CreateWaiverRequest, actor: string): Promise<Waiver>;
  get(id: string): Promise<Waiver | undefined>;
  list(filter?: ListWaiversFilter): Promise<Waiver[]>;
  /** Revokes an active waiver; undefined when there is no such waiver. */
  revoke(
    id: string,
    actor: string,
    reason?: string,
  ): Promise<Waiver | undefined>;
  /**
   * Rescore the entities of waivers that expired since the last call, so an
   * expired waiver stops applying. Returns the number of waivers handled.
   */
  applyExpired(): Promise<number>;
  /** Entity refs a scope covers (an owner scope covers what the owner owns). */
  coveredEntities(scope: WaiverScope): Promise<string[]>;
}
