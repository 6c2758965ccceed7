/** Keystone objects as the engine stores them. Secrets are stored hashed only. */

export interface Project {
  id: string;
  name: string;
  domainId: string;
  description: string;
  enabled: boolean;
}

export interface User {
  id: string;
  name: string;
  domainId: string;
  /** scrypt hash, `salt:hash` in hex. */
  passwordHash: string;
  enabled: boolean;
  defaultProjectId: string;
}

/** A role a user holds on a project. */
export interface RoleAssignment {
  id: string;
  userId: string;
  projectId: string;
  role: string;
}

export interface ApplicationCredential {
  id: string;
  name: string;
  userId: string;
  projectId: string;
  secretHash: string;
  roles: string[];
  expiresAt: string | null;
}

/** An issued token; `id` is the SHA-256 of the token string, never the token itself. */
export interface Token {
  id: string;
  userId: string;
  projectId: string;
  roles: string[];
  methods: string[];
  issuedAt: string;
  expiresAt: string;
  applicationCredentialId?: string;
  /** Audit id as Keystone renders it (not secret). */
  auditId: string;
}

export const DEFAULT_DOMAIN = { id: 'default', name: 'Default' } as const;
