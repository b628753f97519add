import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback web server for the pages whose links the tests click. `/` serves whatever `html` is now. */
export interface PageServer {
  readonly origin: string;
  html: string;
  close(): Promise<void>;
}

export async function createPageServer(): Promise<PageServer> {
  const state = { html: '<!doctype html><title>empty</title>' };
  const server: Server = createServer((req, res) => {
    if (req.url !== '/') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(state.html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    get html() {
      return state.html;
    },
    set html(value: string) {
      state.html = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A page with one link (id "file") to `href`. */
export function linkPage(href: string, text = 'the file'): string {
  return `<!doctype html><title>downloads</title><a id="file" href="${href}">${text}</a>`;
}
