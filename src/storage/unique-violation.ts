/**
 * Whether a database error is a unique key violation. PostgreSQL says so with SQLSTATE 23505; a
 * Citus coordinator relays a COPY's violation on a worker shard as an internal error (XX000,
 * raised in multi_copy.c) whose message is the worker's, so that message is the sign there.
 */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  if (e.code === '23505') return true;
  return (
    e.code === 'XX000' &&
    typeof e.message === 'string' &&
    e.message.startsWith('duplicate key value violates unique constraint')
  );
}
