/**
 * Runs one aria2 RPC call over ws:// in a Node with a WebSocket (`node --experimental-websocket --import tsx`,
 * Node 20's WebSocket being behind that flag) and prints `{ok, value}` or `{ok: false, name, code}` as JSON.
 * Usage: aria2-ws-call.ts RPC_URL SECRET METHOD
 */
import { Aria2Client } from '../../src/background/aria2/client';

const [rpcUrl = '', secret = '', method = 'aria2.getVersion'] = process.argv.slice(2);
try {
  const value = await new Aria2Client({ rpcUrl, secret }, { timeoutMs: 5000 }).call(method);
  console.log(JSON.stringify({ ok: true, value }));
} catch (error) {
  const e = error as { name?: string; code?: string; message?: string };
  console.log(JSON.stringify({ ok: false, name: e.name, code: e.code, message: e.message }));
}
