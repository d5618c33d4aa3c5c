import { DateTime } from 'luxon';
import clsx from 'clsx';

export function renderBanner(now = DateTime.now()) {
  const weekend = now.weekday >= 6;
  return `<div class="${clsx('banner', {
    'banner--weekend': weekend,
  })}">Free delivery this ${weekend ? 'weekend' : 'week'}</div>`;
}
