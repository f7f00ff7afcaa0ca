export const userSchema = {
  $id: 'User',
  type: 'object',
  required: ['id', 'email', 'displayName', 'role', 'createdAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', format: 'uuid' },
    email: { type: 'string', format: 'email' },
    displayName: { type: 'string' },
    role: { type: 'string', enum: ['user', 'admin'] },
    createdAt: { type: 'string', format: 'date-time' },
  },
  examples: [{ id: '6f1c7c1e-3b0a-4a53-9a4e-0a0b9a4c1d2e', email: 'ada@example.com', displayName: 'Ada', role: 'user', createdAt: '2026-11-01T10:00:00.000Z' }],
} as const;

export const tokenPairSchema = {
  $id: 'TokenPair',
  type: 'object',
  required: ['accessToken', 'refreshToken', 'tokenType', 'expiresIn', 'user'],
  additionalProperties: false,
  properties: {
    accessToken: { type: 'string' },
    refreshToken: { type: 'string' },
    tokenType: { type: 'string', const: 'Bearer' },
    expiresIn: { type: 'integer', description: 'Access token lifetime in seconds' },
    user: { $ref: 'User#' },
  },
} as const;

export const credentialsBody = {
  type: 'object',
  required: ['email', 'password'],
  additionalProperties: false,
  properties: {
    email: { type: 'string', format: 'email', maxLength: 254 },
    password: { type: 'string', minLength: 1, maxLength: 200 },
  },
  examples: [{ email: 'ada@example.com', password: 'correct-horse-42' }],
} as const;

export const registerBody = {
  type: 'object',
  required: ['email', 'password', 'displayName'],
  additionalProperties: false,
  properties: {
    email: { type: 'string', format: 'email', maxLength: 254 },
    password: { type: 'string', minLength: 10, maxLength: 200, description: 'At least 10 characters with a letter and a digit' },
    displayName: { type: 'string', minLength: 1, maxLength: 80 },
  },
  examples: [{ email: 'ada@example.com', password: 'correct-horse-42', displayName: 'Ada' }],
} as const;

export interface UserRow {
  id: string;
  email: string;
  display_name: string;
  role: 'user' | 'admin';
  created_at: Date;
  password_hash?: string;
  token_version?: number;
}

export function toUser(row: UserRow) {
  return { id: row.id, email: row.email, displayName: row.display_name, role: row.role, createdAt: row.created_at.toISOString() };
}
