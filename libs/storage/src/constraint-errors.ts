/*
 * Constraint violations, recognised by their codes in both dialects. Not `instanceof`: the
 * drivers' error classes may come from another module realm (see migrate.ts).
 */

function codeOf(err: unknown): unknown {
  return (err as { code?: unknown } | null)?.code;
}

/** A row names a row that does not exist (any more). */
export function isForeignKeyViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
