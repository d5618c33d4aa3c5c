/** The parts of a container image reference such as `ghcr.io/o/app:1.2@sha256:…`. */
export interface ImageRefParts {
  /** Repository without tag or digest, e.g. `ghcr.io/o/app` or `node`. */
  name: string;
  tag?: string;
  /** `sha256:<hex>` when pinned by digest. */
  digest?: string;
}

/** Split an image reference (a leading `docker://` is ignored). */
export function parseImageRef(ref: string): ImageRefParts {
  let r = ref.trim().replace(/^docker:\/\//, '');
  let digest: string | undefined;
  const at = r.indexOf('@');
  if (at >= 0) {
    digest = r.slice(at + 1);
    r = r.slice(0, at);
  }
  let tag: string | undefined;
  const slash = r.lastIndexOf('/');
  const colon = r.lastIndexOf(':');
  if (colon > slash) {
    tag = r.slice(colon + 1);
    r = r.slice(0, colon);
  }
  return { name: r, tag: tag || undefined, digest: digest || undefined };
}

/** True when the reference is pinned by a sha256 digest. */
export function isDigestPinned(ref: string): boolean {
  return /@sha256:[a-f0-9]{64}\b/i.test(ref);
}
