import { randomBytes, randomUUID } from 'node:crypto';

/** A UUID in Nova's textual form (servers, volumes, images). */
export function newUuid(): string {
  return randomUUID();
}

/** A Keystone-style id: 32 lowercase hex characters (users, projects, tokens' ids). */
export function newHexId(): string {
  return randomBytes(16).toString('hex');
}

export const UUID_PATTERN = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
