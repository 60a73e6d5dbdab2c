import { createHash } from 'node:crypto';

/** `SHA256:<base64>` without padding, as OpenSSH prints it; undefined when the text is not one. */
export function normalizeFingerprint(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const match = /^sha256:([A-Za-z0-9+/]{43})=?$/i.exec(text.trim());
  return match ? `SHA256:${match[1]}` : undefined;
}

/** The fingerprint of a host key as the SSH handshake presents it (the public key blob). */
export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}
