import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'cors-prefix-allowlist',
  summary: 'The CORS allowlist is matched by prefix: https://app.example.com.evil.example passes as https://app.example.com.',
  caughtBy: "security: `security:hardening:cors` (hostile variants of the allowed origin)",
  apply(seams) {
    seams.corsAllows = (origin, allowed) => origin !== undefined && [...allowed].some((a) => origin.startsWith(a));
  },
};
