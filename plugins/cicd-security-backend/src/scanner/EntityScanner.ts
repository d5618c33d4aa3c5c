import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { ScorecardState } from '@cicd-security/plugin-cicd-security-common';
import {
  CheckRegistry,
  ENGINE_VERSION,
  LocalDirectorySnapshot,
  runScan,
  ScoringConfig,
} from '@cicd-security/plugin-cicd-security-node';
import { ScanOutcome, ScorecardStore } from '../database/ScorecardStore';
import { resolveSource } from '../sources';
import { entityMeta } from './entityMeta';

export interface EntityScannerOptions {
  store: ScorecardStore;
  registry: CheckRegistry;
  logger: LoggerService;
  /** Directories that local `dir:` sources must lie under. */
  localRoots: string[];
  scoring?: ScoringConfig;
}

/** What became of one entity's scan. */
export interface EntityScanSummary {
  entityRef: string;
  state: ScorecardState;
  reason?: string;
}

/**
 * Scans one entity: resolve its source, snapshot the repository, run the
 * checks and save the outcome. Never throws: failures are stored as the
 * entity's `error` state and returned.
 */
export class EntityScanner {
  readonly #options: EntityScannerOptions;
  readonly #checkSetVersion: string;

  constructor(options: EntityScannerOptions) {
    this.#options = options;
    this.#checkSetVersion = options.registry.version(ENGINE_VERSION);
  }

  async scan(entity: Entity): Promise<EntityScanSummary> {
    const { store, logger } = this.#options;
    const meta = entityMeta(entity);
    const entityRef = meta.entityRef;
    let outcome: ScanOutcome;
    try {
      outcome = await this.#scan(entity);
    } catch (e) {
      outcome = { type: 'error', message: errorMessage(e) };
    }
    try {
      await store.saveScan(meta, outcome);
    } catch (e) {
      logger.error(
        `Could not save the scan of ${entityRef}: ${errorMessage(e)}`,
      );
      return { entityRef, state: 'error', reason: errorMessage(e) };
    }
    switch (outcome.type) {
      case 'scanned':
        return { entityRef, state: 'ok' };
      case 'error':
        logger.warn(`Scan of ${entityRef} failed: ${outcome.message}`);
        return { entityRef, state: 'error', reason: outcome.message };
      default:
        return { entityRef, state: 'no-source', reason: outcome.reason };
    }
  }

  async #scan(entity: Entity): Promise<ScanOutcome> {
    const { registry, scoring, localRoots, logger } = this.#options;
    const source = resolveSource(entity, { localRoots });
    if (source.type === 'none') {
      return { type: 'no-source', reason: source.reason };
    }
    if (source.type === 'refused') {
      // Not an error storm: the component is simply not scannable as configured.
      return { type: 'no-source', reason: source.reason };
    }
    const snapshot = LocalDirectorySnapshot.create(source.path);
    const result = await runScan(snapshot, registry, {
      scoring,
      onCheckError: (checkId, error) =>
        logger.warn(
          `Check ${checkId} failed on ${source.location}: ${error.message}`,
        ),
    });
    return {
      type: 'scanned',
      result,
      revision: snapshot.revision,
      sourceLocation: source.location,
      checkSetVersion: this.#checkSetVersion,
    };
  }
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
