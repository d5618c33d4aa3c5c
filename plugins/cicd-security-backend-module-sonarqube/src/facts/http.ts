/** An answer of the SonarQube Web API. */
export interface SonarAnswer {
  status: number;
  /** The parsed JSON body; undefined when empty or not JSON. */
  body: unknown;
}

/** A request that did not get an answer in time. */
export class RequestTimeoutError extends Error {
  constructor(readonly path: string, readonly timeoutMs: number) {
    super(`no answer to GET ${path} within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

/**
 * GET a SonarQube Web API path with the token as a Bearer token, within
 * `timeoutMs` and until `signal` aborts. The token is sent to `baseUrl`
 * only, and never appears in errors.
 */
export async function sonarGet(
  baseUrl: string,
  path: string,
  options: { token: string; signal: AbortSignal; timeoutMs: number },
): Promise<SonarAnswer> {
  const signal = AbortSignal.any([
    options.signal,
    AbortSignal.timeout(options.timeoutMs),
  ]);
  try {
    const res = await fetch(`${baseUrl}${path}`, {
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${options.token}`,
      },
      redirect: 'error',
      signal,
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, body };
  } catch (e) {
    if (!options.signal.aborted && signal.aborted) {
      throw new RequestTimeoutError(path, options.timeoutMs);
    }
    throw e;
  }
}

/** The first message of a SonarQube error answer (`{ errors: [{ msg }] }`). */
export function sonarMessage(body: unknown): string | undefined {
  const errors = (body as { errors?: Array<{ msg?: unknown }> } | undefined)
    ?.errors;
  const msg = Array.isArray(errors) ? errors[0]?.msg : undefined;
  return typeof msg === 'string' ? msg.slice(0, 300) : undefined;
}
