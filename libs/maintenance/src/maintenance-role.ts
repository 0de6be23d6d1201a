/**
 * The role every maintenance task (key rotation included) needs to be sent: each deletes,
 * rewrites or locks what others rely on (the audit trail, task records, keys, the database).
 */
export const MAINTENANCE_ROLE = 'admin';
