import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'redis-key-without-ttl',
  summary: "The moderation queue's copy of each reply is written without an expiry, so Redis grows with every message until it runs out of memory.",
  caughtBy: 'load: load:server:redis-keys-without-ttl (keys without a TTL per 1,000 requests)',
  apply(seams) {
    seams.cacheReply = (redis, messageId, content) => redis.set(`reply:${messageId}`, content);
  },
};
