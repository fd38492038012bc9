import { parseRetryAfterMs, retryDelayMs, type RetryDelayOptions } from '../../lib/lm/retry-delay';

const NOW = Date.parse('2025-01-01T00:00:00Z');
const options: RetryDelayOptions = { baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000, random: () => 0, now: () => NOW };

describe('retryDelayMs', () => {
  it('doubles the backoff with each retry', () => {
    expect([1, 2, 3, 4].map((retry) => retryDelayMs(retry, null, options))).toEqual([500, 1_000, 2_000, 4_000]);
  });

  it('caps the backoff at maxDelayMs', () => {
    expect(retryDelayMs(10, null, options)).toBe(8_000);
  });

  it('keeps between three quarters and all of the backoff as jitter', () => {
    expect(retryDelayMs(1, null, { ...options, random: () => 0.999999 })).toBe(375);
    expect(retryDelayMs(1, null, { ...options, random: () => 0.5 })).toBe(438);
  });

  it('uses Retry-After seconds instead of the backoff', () => {
    expect(retryDelayMs(1, '2', options)).toBe(2_000);
    expect(retryDelayMs(3, '0', options)).toBe(0);
  });

  it('uses a Retry-After HTTP date', () => {
    expect(retryDelayMs(1, 'Wed, 01 Jan 2025 00:00:05 GMT', options)).toBe(5_000);
  });

  it('caps Retry-After at maxRetryAfterMs', () => {
    expect(retryDelayMs(1, '3600', options)).toBe(60_000);
  });

  it('falls back to the backoff when Retry-After is unreadable', () => {
    expect(retryDelayMs(2, 'soon', options)).toBe(1_000);
  });
});

describe('parseRetryAfterMs', () => {
  it.each([
    ['1.5', 1_500],
    [' 3 ', 3_000],
    ['Tue, 31 Dec 2024 23:59:00 GMT', 0],
    ['', undefined],
    ['-1', undefined],
  ])('reads %j as %p', (value, expected) => {
    expect(parseRetryAfterMs(value, NOW)).toBe(expected);
  });
});
