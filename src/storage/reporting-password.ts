/**
 * Passwords of reporting roles (reporting-role.repository.ts). The server is sent a SCRAM-SHA-256
 * verifier, never the password: `CREATE ROLE … PASSWORD 'SCRAM-SHA-256$…'` stores it as given,
 * while a password in the statement's text would reach the server log (log_statement = ddl) and
 * pg_stat_activity. The verifier is computed as libpq's PQencryptPasswordConn and psql's
 * \password compute it (RFC 5802, RFC 7677).
 *
 * Passwords are printable ASCII without spaces: for those SASLprep, which clients and the server
 * apply before hashing, changes nothing, and they go into a connection URL without surprises.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

const PRINTABLE = /^[\x21-\x7e]{12,128}$/;

/** Why `password` cannot be a reporting role's password, or undefined when it can. */
export function reportingPasswordProblem(password: string): string | undefined {
  return PRINTABLE.test(password)
    ? undefined
    : '--password must be 12 to 128 printable ASCII characters without spaces (leave it out to have one generated)';
}

/** 192 random bits, URL-safe. */
export function generateReportingPassword(): string {
  return randomBytes(24).toString('base64url');
}

/** PostgreSQL's stored form of a SCRAM-SHA-256 secret: `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`. */
export function scramSha256Verifier(
  password: string,
  salt: Buffer = randomBytes(16),
  iterations = 4096,
): string {
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  const b64 = (b: Buffer) => b.toString('base64');
  return `SCRAM-SHA-256$${iterations}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`;
}
