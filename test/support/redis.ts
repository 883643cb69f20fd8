import { Redis } from 'ioredis';

/** The Redis the tests that need one use (REDIS_URL, default the local one), and whether it answers. */
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

export async function redisAnswers(url = REDIS_URL): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}
