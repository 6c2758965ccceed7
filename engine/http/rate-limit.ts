import { ApiError } from './api-error.ts';
import type { RateLimitConfig } from '../config.ts';

/**
 * Token-bucket rate limiting per Keystone token. `take` returns nothing when
 * the request may proceed and throws 429 overLimit with Retry-After (whole
 * seconds, at least 1) when the bucket is empty.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly config: RateLimitConfig) {}

  get enabled(): boolean {
    return this.config.requestsPerSecond > 0;
  }

  take(key: string, now = Date.now()): void {
    if (!this.enabled) return;
    const { requestsPerSecond, burst } = this.config;
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * requestsPerSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / requestsPerSecond));
    throw new ApiError(429, 'This request was rate-limited.', retryAfter);
  }
}
