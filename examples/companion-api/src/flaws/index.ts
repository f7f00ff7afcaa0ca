import type { Seams } from '../seams.ts';
import type { Flaw } from './_flaw.ts';
import { flaw as accessTokenAsRefresh } from './access-token-as-refresh.ts';
import { flaw as brokenObjectAuthorization } from './broken-object-authorization.ts';
import { flaw as corsWildcardCredentials } from './cors-wildcard-credentials.ts';
import { flaw as crashAfterReply } from './crash-after-reply.ts';
import { flaw as crisisDetectionBypassed } from './crisis-detection-bypassed.ts';
import { flaw as deletedUserTokenAccepted } from './deleted-user-token-accepted.ts';
import { flaw as driverErrorIn503 } from './driver-error-in-503.ts';
import { flaw as jwtAlgNone } from './jwt-alg-none.ts';
import { flaw as jwtExpiryNotEnforced } from './jwt-expiry-not-enforced.ts';
import { flaw as logoutDoesNotRevoke } from './logout-does-not-revoke.ts';
import { flaw as malformedInput500 } from './malformed-input-500.ts';
import { flaw as massAssignmentRole } from './mass-assignment-role.ts';
import { flaw as memoryLeakPerRequest } from './memory-leak-per-request.ts';
import { flaw as nPlusOneList } from './n-plus-one-list.ts';
import { flaw as noLoginRateLimit } from './no-login-rate-limit.ts';
import { flaw as redisKeyWithoutTtl } from './redis-key-without-ttl.ts';
import { flaw as refreshReuseUndetected } from './refresh-reuse-undetected.ts';
import { flaw as securityHeadersMissing } from './security-headers-missing.ts';
import { flaw as spoofableRateLimitKey } from './spoofable-rate-limit-key.ts';
import { flaw as sqlInjection } from './sql-injection.ts';
import { flaw as stackTraceLeak } from './stack-trace-leak.ts';
import { flaw as upstreamFailure500 } from './upstream-failure-500.ts';
import { flaw as userEnumeration } from './user-enumeration.ts';
import { flaw as unvalidatedPathId500 } from './unvalidated-path-id-500.ts';
import { flaw as longTitle500 } from './long-title-500.ts';
import { flaw as nullTaskCount500 } from './null-task-count-500.ts';
import { flaw as listPoisonedByWrite } from './list-poisoned-by-write.ts';
import { flaw as completionCountedTwice } from './completion-counted-twice.ts';
import { flaw as logoutRevocationLapses } from './logout-revocation-lapses.ts';
import { flaw as searchIgnoresOwnership } from './search-ignores-ownership.ts';
import { flaw as corsPrefixAllowlist } from './cors-prefix-allowlist.ts';
import { flaw as deleteWithoutDeleting } from './delete-without-deleting.ts';
import { flaw as adminAccountLookupOpen } from './admin-account-lookup-open.ts';
import { flaw as passwordChangeKeepsSessions } from './password-change-keeps-sessions.ts';
import { flaw as passwordTruncated72 } from './password-truncated-72.ts';
import { flaw as weakPasswordAccepted } from './weak-password-accepted.ts';
import { flaw as searchTermIgnored } from './search-term-ignored.ts';
import { flaw as meExposesPasswordHash } from './me-exposes-password-hash.ts';
import { flaw as conversationTitleCut } from './conversation-title-cut.ts';
import { flaw as deletedConversationCached } from './deleted-conversation-cached.ts';
import { flaw as completionCountedAgain } from './completion-counted-again.ts';
import { flaw as llmRetryStorm } from './llm-retry-storm.ts';
import { flaw as formBodyUnvalidated } from './form-body-unvalidated.ts';
import { flaw as messageIndexDropped } from './message-index-dropped.ts';

export type { Flaw };

export const FLAWS: readonly Flaw[] = [
  sqlInjection,
  brokenObjectAuthorization,
  jwtExpiryNotEnforced,
  jwtAlgNone,
  refreshReuseUndetected,
  logoutDoesNotRevoke,
  noLoginRateLimit,
  spoofableRateLimitKey,
  massAssignmentRole,
  stackTraceLeak,
  malformedInput500,
  crisisDetectionBypassed,
  upstreamFailure500,
  nPlusOneList,
  messageIndexDropped,
  memoryLeakPerRequest,
  redisKeyWithoutTtl,
  corsWildcardCredentials,
  userEnumeration,
  securityHeadersMissing,
  deletedUserTokenAccepted,
  accessTokenAsRefresh,
  crashAfterReply,
  driverErrorIn503,
  unvalidatedPathId500,
  longTitle500,
  nullTaskCount500,
  listPoisonedByWrite,
  completionCountedTwice,
  logoutRevocationLapses,
  searchIgnoresOwnership,
  corsPrefixAllowlist,
  deleteWithoutDeleting,
  adminAccountLookupOpen,
  passwordChangeKeepsSessions,
  passwordTruncated72,
  weakPasswordAccepted,
  searchTermIgnored,
  meExposesPasswordHash,
  conversationTitleCut,
  deletedConversationCached,
  completionCountedAgain,
  llmRetryStorm,
  formBodyUnvalidated,
];

export class FlawConfigError extends Error {}

/**
 * Applies the flaws named in COMPANION_FLAWS (comma-separated) when COMPANION_ALLOW_FLAWS=1.
 * Refused in production, and unknown names are an error naming the known ones.
 */
export function applyFlaws(seams: Seams, env: { NODE_ENV: string; COMPANION_ALLOW_FLAWS?: string; COMPANION_FLAWS?: string }): string[] {
  const names = (env.COMPANION_FLAWS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) return [];
  if (env.COMPANION_ALLOW_FLAWS !== '1') throw new FlawConfigError('COMPANION_FLAWS is set but COMPANION_ALLOW_FLAWS is not 1: flaws are only for demonstrating the gate.');
  if (env.NODE_ENV === 'production') throw new FlawConfigError('seeded flaws are refused when NODE_ENV=production.');
  const unknown = names.filter((n) => !FLAWS.some((f) => f.name === n));
  if (unknown.length) throw new FlawConfigError(`unknown flaw(s): ${unknown.join(', ')}. Known: ${FLAWS.map((f) => f.name).join(', ')}.`);
  for (const name of names) FLAWS.find((f) => f.name === name)?.apply(seams);
  return names;
}
