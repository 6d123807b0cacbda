import type { Role, User } from '../domain/user.js';

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  /** Set by a local identity provider; absent when credentials live elsewhere (Cognito). Never part of change events. */
  passwordHash?: string | undefined;
}

/** The users of the system of record. Every write also records a `user` change event (without credentials). */
export interface Users {
  /** ConflictError `email-taken` when the email is in use. */
  create(user: NewUser): Promise<User>;
  get(id: string): Promise<User | null>;
  getMany(ids: readonly string[]): Promise<Map<string, User>>;
  findByEmail(email: string): Promise<User | null>;
  /** The stored password hash of a local account, or null (no such user, or no local password). */
  passwordHash(userId: string): Promise<string | null>;
  /** Replaces the local password hash (no change event: credentials are not part of the feed). */
  setPasswordHash(userId: string, passwordHash: string): Promise<void>;
  /** Users whose name contains `query` or whose email equals it, case-insensitively, by name. */
  search(query: string, limit: number): Promise<User[]>;
  /** NotFoundError when the user does not exist. */
  setRole(userId: string, role: Role): Promise<User>;
  /**
   * Deletes the profile, its email claim and any local credentials in one step, recording a `user`
   * remove event; returns the deleted user, or null when there was none (deleting twice changes nothing).
   */
  delete(userId: string): Promise<User | null>;
}
