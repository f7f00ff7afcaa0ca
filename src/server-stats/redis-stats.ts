import { Redis } from 'ioredis';

export interface RedisFigures {
  usedMemoryBytes: number;
  /** Keys of every database, and how many of them have no TTL (keys less expires, from INFO keyspace). */
  keys: number;
  keysWithoutTtl: number;
  evictedKeys: number;
}

/** The `field:value` lines of an INFO answer. */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  return fields;
}

/** Memory, keys with and without a TTL, and evictions, from one INFO answer. */
export function figuresOfInfo(text: string): RedisFigures {
  const info = parseInfo(text);
  let keys = 0;
  let expires = 0;
  for (const [name, value] of info) {
    if (!/^db\d+$/.test(name)) continue;
    const parts = Object.fromEntries(value.split(',').map((kv) => kv.split('=') as [string, string]));
    keys += Number(parts.keys ?? 0);
    expires += Number(parts.expires ?? 0);
  }
  return { usedMemoryBytes: Number(info.get('used_memory') ?? 0), keys, keysWithoutTtl: keys - expires, evictedKeys: Number(info.get('evicted_keys') ?? 0) };
}

/** INFO of the Redis the target uses, on one connection kept for the run. */
export class RedisStats {
  private readonly client: Redis;

  constructor(url: string) {
    this.client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000, retryStrategy: () => null });
    this.client.on('error', () => undefined);
  }

  async figures(): Promise<RedisFigures> {
    if (this.client.status === 'wait') await this.client.connect();
    return figuresOfInfo(await this.client.info());
  }

  close(): void {
    this.client.disconnect();
  }
}
