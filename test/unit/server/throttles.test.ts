import { describe, expect, it } from 'vitest';
import { createFailureThrottle } from '@/server/http/failure-throttle';
import { createLiveFeedSlots } from '@/server/http/live-feed-slots';
import { EventEmitter } from 'node:events';
import type http from 'node:http';

describe('failure throttle', () => {
  it('lets a client fail `burst` times, then refuses it until the bucket refills; other clients are unaffected', () => {
    const t = createFailureThrottle({ burst: 3, perSecond: 0.5 });
    for (let i = 0; i < 3; i++) {
      expect(t.waitFor('a', 0)).toBe(0);
      t.fail('a', 0);
    }
    expect(t.waitFor('a', 0)).toBeCloseTo(2);
    expect(t.waitFor('b', 0)).toBe(0);
    expect(t.waitFor('a', 1000)).toBeCloseTo(1);
    expect(t.waitFor('a', 2000)).toBe(0);
  });
});

describe('live feed slots', () => {
  const response = () => new EventEmitter() as unknown as http.ServerResponse;
  it('caps feeds per client and in total, and frees a slot when its connection closes', () => {
    const slots = createLiveFeedSlots({ total: 3, perClient: 2 });
    const a1 = response();
    expect(slots.take('a', a1)).toBeNull();
    expect(slots.take('a', response())).toBeNull();
    expect(slots.take('a', response())).toMatch(/LRSCOPE_LIVE_FEEDS_PER_CLIENT/);
    expect(slots.take('b', response())).toBeNull();
    expect(slots.take('c', response())).toMatch(/LRSCOPE_LIVE_FEEDS_MAX/);
    (a1 as unknown as EventEmitter).emit('close');
    expect(slots.open()).toBe(2);
    expect(slots.take('c', response())).toBeNull();
  });
});
