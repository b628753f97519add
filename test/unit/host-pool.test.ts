import { describe, expect, it } from 'vitest';
import { HostPool } from '../../src/engine/host-pool';

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('HostPool', () => {
  it('gives a host at most maxPerHost slots, the next waiter first when one is released', async () => {
    const pool = new HostPool({ maxPerHost: 2 });
    const a = await pool.acquire('h');
    await pool.acquire('h');
    const granted: string[] = [];
    void pool.acquire('h').then(() => granted.push('third'));
    void pool.acquire('h').then(() => granted.push('fourth'));
    void pool.acquire('other').then(() => granted.push('other host'));
    await settle();
    expect(granted).toEqual(['other host']);
    expect(pool.active('h')).toBe(2);
    a.release();
    a.release(); // twice is once
    await settle();
    expect(granted).toEqual(['other host', 'third']);
    expect(pool.active('h')).toBe(2);
  });

  it('learns a lower cap from a refusal: the other connections it had, fewer each time, at least one; refusals sent together teach at once', async () => {
    const learned: [string, number][] = [];
    const pool = new HostPool({ maxPerHost: 6, onLearned: (h, c) => learned.push([h, c]) });
    const slots = await Promise.all([1, 2, 3, 4].map(() => pool.acquire('h')));
    // Four held, one refused: three.
    expect(pool.lower('h', slots[3])).toBe(3);
    expect(learned).toEqual([['h', 3]]);
    // Refused at the same moment, granted third before that lowering: the host refused a third connection.
    expect(pool.lower('h', slots[2])).toBe(2);
    // Granted fourth before the lowerings: nothing new.
    expect(pool.lower('h', slots[3])).toBe(2);
    expect(learned).toEqual([
      ['h', 3],
      ['h', 2],
    ]);
    slots[3]?.release();
    slots[2]?.release();
    slots[1]?.release();
    const again = await pool.acquire('h');
    // Refused with one other held: one, and never below.
    expect(pool.lower('h', again)).toBe(1);
    expect(pool.lower('h', again)).toBe(1);
    for (const s of slots) s.release();
    again.release();
    expect(pool.lower('fresh')).toBe(1);
    expect(pool.learnedCaps()).toEqual({ h: 1, fresh: 1 });
  });

  it('says which hosts limit connections: those that refused one, or were learned earlier', async () => {
    const pool = new HostPool({ maxPerHost: 6, learned: { old: 2 } });
    expect(pool.limits('old')).toBe(true);
    const slot = await pool.acquire('h');
    expect(pool.limits('h')).toBe(false);
    pool.lower('h', slot);
    expect(pool.limits('h')).toBe(true);
  });

  it('starts from caps learned earlier and never goes above maxPerHost', () => {
    const pool = new HostPool({ maxPerHost: 6, learned: { a: 3, b: 10, c: 0 } });
    expect([pool.cap('a'), pool.cap('b'), pool.cap('c'), pool.cap('d')]).toEqual([3, 6, 6, 6]);
    pool.setMaxPerHost(2);
    expect([pool.cap('a'), pool.cap('d')]).toEqual([2, 2]);
  });

  it('drops a waiter whose signal aborts', async () => {
    const pool = new HostPool({ maxPerHost: 1 });
    const held = await pool.acquire('h');
    const controller = new AbortController();
    const waiting = pool.acquire('h', controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    held.release();
    expect(pool.active('h')).toBe(0);
  });

  it('keys by host and port', () => {
    expect(HostPool.hostOf('http://127.0.0.1:8080/a?b')).toBe('127.0.0.1:8080');
    expect(HostPool.hostOf('not a url')).toBe('');
  });
});
