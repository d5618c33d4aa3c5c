/** Bumped whenever check logic changes in a way that should invalidate stored results. */
export const ENGINE_VERSION = '0.1.0';
