import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets, redactDeep, redactText, registerConfigSecrets, registerSecret } from './secrets.ts';

afterEach(clearSecrets);

describe('redaction', () => {
  it('replaces a secret everywhere in text, longest first, and leaves short values alone', () => {
    registerSecret('abc.def.ghi-token', '«token»');
    registerSecret('abc.def', '«prefix»');
    registerSecret('12345', '«too short»');
    expect(redactText("curl -H 'authorization: Bearer abc.def.ghi-token' -d abc.def 12345")).toBe("curl -H 'authorization: Bearer «token»' -d «prefix» 12345");
  });

  it('walks objects and arrays, keys included, and keeps other values as they are', () => {
    registerSecret('s3cr3t-value', '«s»');
    expect(redactDeep({ a: ['x s3cr3t-value y', 2, null], 's3cr3t-value': true, n: { m: 's3cr3t-value' } })).toEqual({ a: ['x «s» y', 2, null], '«s»': true, n: { m: '«s»' } });
  });

  it('takes the secrets of a config: the JWT secret, the admin password, env values named like secrets', () => {
    registerConfigSecrets({
      target: { start: { env: { JWT_SECRET: 'jwt-secret-123', DB_PASSWORD: 'pw-123456', API_KEY: 'key-123456', LOG_LEVEL: 'info-level' } } },
      stages: { security: { jwt: { secret: 'jwt-secret-123' }, admin: { credentials: { password: 'admin-pw-1' } } } },
    });
    expect(redactText('jwt-secret-123 pw-123456 key-123456 admin-pw-1 info-level')).toBe(
      '«the JWT secret: stages.security.jwt.secret in gauntlet.config.ts» «DB_PASSWORD: target.start.env in gauntlet.config.ts» «API_KEY: target.start.env in gauntlet.config.ts» «the admin\'s password: stages.security.admin.credentials in gauntlet.config.ts» info-level',
    );
  });
});
