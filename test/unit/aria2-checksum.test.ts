import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Aria2Client, type Aria2Status } from '../../src/background/aria2/client';
import { addUriOptions } from '../../src/background/aria2/send';
import { type Aria2Daemon, startAria2 } from '../helpers/aria2-daemon';
import { useServers } from '../helpers/served';
import { correctServer, patternSource, sha256Of } from '../server/index';

/** A link given with its expected SHA-256 and sent to aria2: aria2 itself holds the file to that hash. */
describe('the expected SHA-256 of a link sent to a real aria2c', () => {
  let aria2: Aria2Daemon;
  const { serve } = useServers();
  beforeAll(async () => {
    aria2 = await startAria2();
  });
  afterAll(async () => {
    await aria2?.close();
  });

  async function settled(client: Aria2Client, gid: string): Promise<Aria2Status> {
    for (let i = 0; i < 400; i++) {
      const s = await client.tellStatus(gid);
      if (s.status === 'complete' || s.status === 'error') return s;
      await sleep(50);
    }
    throw new Error(`${gid} never settled`);
  }

  it.each([
    ['right', true],
    ['wrong', false],
  ])('a %s hash: the download completes, or fails', async (_, right) => {
    const source = patternSource(256 * 1024, right ? 31 : 32);
    const server = await serve(correctServer(source, { path: `/${right ? 'right' : 'wrong'}.bin` }));
    const sha256 = right ? await sha256Of(source) : 'ab'.repeat(32);
    const client = new Aria2Client({ rpcUrl: aria2.rpcUrl, secret: aria2.secret });
    const options = addUriOptions(
      { url: server.url, filename: right ? 'right.bin' : 'wrong.bin', referrer: null, sha256 },
      null,
      'TestAgent/1.0',
    );
    const gid = await client.addUri([server.url], options);
    const status = await settled(client, gid);
    expect(status.status).toBe(right ? 'complete' : 'error');
    // aria2's exit status 32: "Checksum validation failed".
    const { errorCode } = await client.call<{ errorCode: string }>('aria2.tellStatus', [gid, ['errorCode']]);
    expect(errorCode).toBe(right ? '0' : '32');
    await client.removeDownloadResult(gid);
  });
});
