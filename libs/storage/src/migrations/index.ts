import type { Migration } from 'kysely';
import type { StorageDialect } from '../create-database';
import { initial } from './0001-initial';
import { cacheAndKeyring } from './0002-cache-and-keyring';
import { missions } from './0003-missions';
import { agents } from './0004-agents';
import { notifications } from './0005-notifications';
import { missionRunner } from './0006-mission-runner';
import { agentRegistrant } from './0007-agent-registrant';
import { auditStatus } from './0008-audit-status';

/** Builds a migration for one dialect; the few dialect-specific bits branch on it. */
export type StorageMigration = (dialect: StorageDialect) => Migration;

/**
 * Every migration, oldest first. Names must sort in this order (Kysely runs them sorted by
 * name) and a migration, once released, is never edited: add a new one.
 */
export const MIGRATIONS: ReadonlyArray<readonly [name: string, migration: StorageMigration]> = [
  ['0001-initial', initial],
  ['0002-cache-and-keyring', cacheAndKeyring],
  ['0003-missions', missions],
  ['0004-agents', agents],
  ['0005-notifications', notifications],
  ['0006-mission-runner', missionRunner],
  ['0007-agent-registrant', agentRegistrant],
  ['0008-audit-status', auditStatus],
];
