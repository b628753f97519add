import { describe, expect, it } from 'vitest';
import { Aria2UnauthorizedError, Aria2UnreachableError } from '../../src/background/aria2/errors';
import { addUriOptions, type SendDeps, sendToAria2 } from '../../src/background/aria2/send';
import type { SentJob } from '../../src/background/aria2/sent-jobs';

const link = {
  url: 'https://files.example/a.iso',
  filename: 'ubuntu.iso',
  referrer: 'https://files.example/',
};
const config = { rpcUrl: 'http://127.0.0.1:6800/jsonrpc', secret: 'hush' };

function deps(addUri: () => Promise<string>, record: (job: SentJob) => Promise<void> = async () => {}) {
  const calls: unknown[][] = [];
  const d: SendDeps = {
    cookies: async () => 'sid=1',
    userAgent: 'UA/1',
    record,
    client: () => ({
      addUri: (...args: unknown[]) => {
        calls.push(args);
        return addUri();
      },
    }),
    now: () => 7,
  };
  return { d, calls };
}

describe('handing a link to aria2', () => {
  it('sends the resolved URL, the chosen name, Referer, User-Agent and the cookies; records the GID', async () => {
    const recorded: SentJob[] = [];
    const { d, calls } = deps(
      async () => 'abcdef0123456789',
      async (job) => void recorded.push(job),
    );
    expect(await sendToAria2(link, config, d)).toEqual({ ok: true, gid: 'abcdef0123456789' });
    expect(calls).toEqual([
      [
        ['https://files.example/a.iso'],
        {
          out: 'ubuntu.iso',
          referer: 'https://files.example/',
          'user-agent': 'UA/1',
          header: ['Cookie: sid=1'],
        },
      ],
    ]);
    expect(recorded).toEqual([
      { gid: 'abcdef0123456789', url: link.url, filename: 'ubuntu.iso', rpcUrl: config.rpcUrl, sentAt: 7 },
    ]);
    expect(JSON.stringify(recorded)).not.toContain('hush');
  });

  it('no cookies and no page: neither header nor Referer', () => {
    expect(addUriOptions({ ...link, referrer: null }, null, 'UA/1')).toEqual({
      out: 'ubuntu.iso',
      'user-agent': 'UA/1',
    });
  });

  it('a GID is success even if the record cannot be written (aria2 has the job)', async () => {
    const { d } = deps(
      async () => 'abcdef0123456789',
      async () => {
        throw new Error('quota');
      },
    );
    expect(await sendToAria2(link, config, d)).toEqual({ ok: true, gid: 'abcdef0123456789' });
  });

  it("aria2's failures come back as a reason and a code, never thrown", async () => {
    const unreachable = deps(async () => {
      throw new Aria2UnreachableError(config.rpcUrl, 'connection refused');
    });
    expect(await sendToAria2(link, config, unreachable.d)).toEqual({
      ok: false,
      code: 'ARIA2_UNREACHABLE',
      reason: `not sent to aria2: aria2 is unreachable at ${config.rpcUrl}: connection refused`,
    });
    const refused = deps(async () => {
      throw new Aria2UnauthorizedError(config.rpcUrl);
    });
    const result = await sendToAria2(link, config, refused.d);
    expect(result).toMatchObject({
      ok: false,
      code: 'ARIA2_UNAUTHORIZED',
      reason: expect.stringMatching(/secret/),
    });
    expect(JSON.stringify(result)).not.toContain('hush');
    expect(await sendToAria2(link, { ...config, rpcUrl: 'ftp://x/' }, refused.d)).toMatchObject({
      ok: false,
      code: 'ARIA2_BAD_URL',
    });
  });
});
