import { readCheckGuide } from '@cicd-security/plugin-cicd-security-node';

/** A built-in check's guide page as Markdown; the guides ship with the engine package. */
export function readGuide(checkId: string): string | undefined {
  return readCheckGuide(checkId);
}
