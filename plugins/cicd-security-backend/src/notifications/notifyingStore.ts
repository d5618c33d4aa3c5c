import { LoggerService } from '@backstage/backend-plugin-api';
import { ScorecardStore } from '../database/ScorecardStore';
import { ScorecardNotifier } from './ScorecardNotifier';

/**
 * The store the scanner writes through: after a scan is stored, the notifier
 * compares the new scorecard with what it saw before. A failure to notify is
 * logged and never fails the scan.
 */
export function notifyingStore<T extends ScorecardStore>(
  store: T,
  notifier: ScorecardNotifier,
  logger: LoggerService,
): T {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'saveScan') {
        const saveScan: ScorecardStore['saveScan'] = async (
          meta,
          outcome,
          scannedAt,
        ) => {
          if (outcome.type !== 'scanned') {
            await target.saveScan(meta, outcome, scannedAt);
            return;
          }
          const before = await notifier
            .beforeScan(meta.entityRef, () =>
              target.getScorecard(meta.entityRef),
            )
            .catch(error => {
              logger.warn(
                `Could not read the notification baseline of ${meta.entityRef}: ${error}`,
              );
              return undefined;
            });
          await target.saveScan(meta, outcome, scannedAt);
          if (!before) return;
          try {
            const card = await target.getScorecard(meta.entityRef);
            if (card) await notifier.afterScan(before, card);
          } catch (error) {
            logger.warn(
              `Could not notify the owner of ${meta.entityRef}: ${error}`,
            );
          }
        };
        return saveScan;
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
