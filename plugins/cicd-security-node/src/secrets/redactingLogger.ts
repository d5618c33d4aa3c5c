import type { LoggerService } from '@backstage/backend-plugin-api';
import { redactCredentials } from './credentials';

type Meta = Parameters<LoggerService['info']>[1];

/**
 * A logger that redacts credentials from every message, error and field
 * before they reach the real one: source URLs with userinfo, SCM error
 * texts, check errors quoting a line. The pattern-based redaction of
 * {@link redactCredentials}: provider formats, private keys, connection
 * strings, URL userinfo, `-u`/`--password` options and authorization headers.
 */
export function redactingLogger(logger: LoggerService): LoggerService {
  const wrap =
    (level: 'error' | 'warn' | 'info' | 'debug') =>
    (message: string, meta?: Meta) =>
      meta === undefined
        ? logger[level](redactCredentials(message))
        : logger[level](redactCredentials(message), clean(meta) as Meta);
  return {
    error: wrap('error'),
    warn: wrap('warn'),
    info: wrap('info'),
    debug: wrap('debug'),
    child: fields =>
      redactingLogger(logger.child(clean(fields) as typeof fields)),
  };
}

function clean(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactCredentials(value);
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const copy = new Error(redactCredentials(value.message));
    copy.name = value.name;
    if (value.stack) copy.stack = redactCredentials(value.stack);
    return copy;
  }
  if (Array.isArray(value)) return value.map(v => clean(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, clean(v, depth + 1)]),
  );
}
