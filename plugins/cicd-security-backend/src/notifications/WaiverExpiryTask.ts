import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { WaiverStore } from '../database/WaiverStore';
import { ScorecardNotifier } from './ScorecardNotifier';

/**
 * Daily: one message per portal waiver that expires within the configured
 * days, to the owner of what it covers.
 */
export class WaiverExpiryTask {
  constructor(
    private readonly options: {
      scheduler: SchedulerService;
      logger: LoggerService;
      waivers: WaiverStore;
      notifier: ScorecardNotifier;
      ownerOf: (entityRef: string) => Promise<string | undefined>;
      clock?: () => Date;
    },
  ) {}

  async start(): Promise<void> {
    await this.options.scheduler.scheduleTask({
      id: 'cicd-security-waiver-expiry-notifications',
      frequency: { hours: 24 },
      timeout: { minutes: 10 },
      initialDelay: { seconds: 30 },
      fn: () => this.run().then(() => undefined),
    });
  }

  async run(): Promise<number> {
    const { waivers, notifier, ownerOf, logger } = this.options;
    const now = (this.options.clock ?? (() => new Date()))();
    try {
      const sent = await notifier.waiversExpiring(
        await waivers.list({ active: true }),
        ownerOf,
        now,
      );
      if (sent) logger.info(`Sent ${sent} waiver expiry notification(s)`);
      return sent;
    } catch (error) {
      logger.warn(`Waiver expiry notifications failed: ${error}`);
      return 0;
    }
  }
}
