import { describe, expect, it } from 'vitest';
import {
  burstWorthIt,
  FreshRequests,
  HEAD_MS,
  HeadMeter,
  type ResponseHead,
  STEADY_MS,
} from '../../src/engine/policies/fresh-requests';

const MIB = 1024 * 1024;

/** nginx's limit_rate at 8 MiB/s on loopback: a 2 MiB write at once, then 8 MiB/s; 1 ms to the first byte. */
const nginxHead: ResponseHead = { headBytes: 2 * MIB, steadyBytesPerSecond: 8 * MIB, startupSeconds: 0.001 };
/** A server pacing each connection: the head is the head's share of the rate, plus one early write. */
const pacedHead: ResponseHead = {
  headBytes: 8 * MIB * 0.07,
  steadyBytesPerSecond: 8 * MIB,
  startupSeconds: 0.001,
};

describe('fresh requests: which response heads are worth a new request', () => {
  it('takes nginx limit_rate’s first write for a burst, and a paced connection’s for none', () => {
    expect(burstWorthIt(nginxHead)).toBe(true);
    expect(burstWorthIt(pacedHead)).toBe(false);
  });

  it('leaves a burst alone that a round trip would eat (a distant server)', () => {
    // 1.6 MiB ahead of the rate, but each new request waits 150 ms: 1.2 MiB at 8 MiB/s, more than half the gain.
    expect(burstWorthIt({ ...nginxHead, startupSeconds: 0.15 })).toBe(false);
    expect(burstWorthIt({ ...nginxHead, startupSeconds: 0.08 })).toBe(true);
  });

  it('sees no burst where nothing steady was measured, or in slow start (a head below the rate)', () => {
    expect(burstWorthIt({ ...nginxHead, steadyBytesPerSecond: 0 })).toBe(false);
    expect(burstWorthIt({ headBytes: 64 * 1024, steadyBytesPerSecond: 8 * MIB, startupSeconds: 0.001 })).toBe(
      false,
    );
  });
});

describe('fresh requests: the verdict', () => {
  it('asks for the claim until two responses have burst, then a second at the steady rate', () => {
    const fresh = new FreshRequests();
    expect(fresh.requestBytes(8 * MIB, 256 * MIB, 6)).toBe(Number.POSITIVE_INFINITY);
    fresh.observe(nginxHead);
    expect(fresh.renewing).toBe(false);
    fresh.observe(nginxHead);
    expect(fresh.renewing).toBe(true);
    expect(fresh.requestBytes(8 * MIB, 256 * MIB, 6)).toBe(8 * MIB);
    // A connection not measured yet: the typical steady rate.
    expect(fresh.requestBytes(0, 256 * MIB, 6)).toBe(8 * MIB);
    // Never less than 1 MiB a request.
    expect(fresh.requestBytes(100 * 1024, 256 * MIB, 6)).toBe(MIB);
    // Near the end, half of each connection's share of what is left: 24 MiB over 6 connections.
    expect(fresh.requestBytes(8 * MIB, 24 * MIB, 6)).toBe(2 * MIB);
    expect(fresh.requestBytes(8 * MIB, 3 * MIB, 6)).toBe(MIB);
  });

  it('follows the majority: a server that paces its connections never gets renewals', () => {
    const fresh = new FreshRequests();
    for (let i = 0; i < 6; i++) fresh.observe(pacedHead);
    fresh.observe(nginxHead);
    fresh.observe(nginxHead);
    expect(fresh.renewing).toBe(false);
    expect(fresh.requestBytes(8 * MIB, 256 * MIB, 6)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('fresh requests: measuring a response head', () => {
  it('reports the head and the steady rate once, after both windows', () => {
    const meter = new HeadMeter();
    // 2 MiB at once, then 2 MiB every 250 ms (nginx at 8 MiB/s).
    expect(meter.add(2 * MIB, 1000, 0.001)).toBeNull();
    expect(meter.add(2 * MIB, 1250, 0.001)).toBeNull();
    expect(meter.add(2 * MIB, 1500, 0.001)).toBeNull();
    expect(meter.add(2 * MIB, 1750, 0.001)).toBeNull();
    expect(meter.add(2 * MIB, 2000, 0.001)).toBeNull();
    const head = meter.add(2 * MIB, 1000 + HEAD_MS + STEADY_MS + 1, 0.001);
    expect(head).toEqual({ headBytes: 2 * MIB, steadyBytesPerSecond: 8 * MIB, startupSeconds: 0.001 });
    expect(head && burstWorthIt(head)).toBe(true);
    expect(meter.add(2 * MIB, 3000, 0.001)).toBeNull();
  });

  it('measures a response on a connection whose steady rate is known on its head alone', () => {
    const bursting = new HeadMeter(8 * MIB);
    expect(bursting.add(2 * MIB, 1000, 0.001)).toBeNull();
    const head = bursting.add(64 * 1024, 1000 + HEAD_MS + 1, 0.001);
    expect(head).toEqual({ headBytes: 2 * MIB, steadyBytesPerSecond: 8 * MIB, startupSeconds: 0.001 });
    // A renewed request that came without a burst (the server gave one to each connection's first response only).
    const plain = new HeadMeter(8 * MIB);
    expect(plain.add(256 * 1024, 1000, 0.001)).toBeNull();
    const flat = plain.add(256 * 1024, 1000 + HEAD_MS + 1, 0.001);
    expect(flat && burstWorthIt(flat)).toBe(false);
  });
});

describe('fresh requests: a server that stops bursting', () => {
  it('stops renewing once more responses came without a burst than with one', () => {
    const fresh = new FreshRequests();
    fresh.observe(nginxHead);
    fresh.observe(nginxHead);
    expect(fresh.renewing).toBe(true);
    fresh.observe(pacedHead);
    fresh.observe(pacedHead);
    expect(fresh.renewing).toBe(false);
    fresh.observe(pacedHead);
    expect(fresh.requestBytes(8 * MIB, 256 * MIB, 6)).toBe(Number.POSITIVE_INFINITY);
  });
});
