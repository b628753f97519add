/**
 * The few chrome.* APIs the worker's job manager, saver and take-over call, faked for Node: a browser download
 * list the test can drive (complete, interrupt), an offscreen document whose opened save URLs become downloads
 * (reported to `onCreated`), session rules and session storage.
 *
 * One `chrome` object is installed on globalThis when this module loads (the unit project's setup file imports
 * it before any test module, so webextension-polyfill finds `chrome.runtime.id` when it is evaluated) and stays
 * the same object for the whole file: the polyfill keeps what it wrapped. `installFakeChrome` gives it a fresh
 * state. Like Chromium, each method returns a promise when called without a callback and calls the callback
 * (setting `chrome.runtime.lastError` on failure) when given one, which is how the polyfill calls it.
 */
export interface FakeDownload {
  id: number;
  url: string;
  filename: string;
  state: 'in_progress' | 'complete' | 'interrupted';
  startTime: string;
  fileSize?: number;
  /** Bytes the browser has received so far, and the size it expects (-1 or absent: unknown). */
  bytesReceived?: number;
  totalBytes?: number;
}

export interface FakeChrome {
  downloads: FakeDownload[];
  /** downloads.download calls, in order. */
  started: { url: string; filename?: string | undefined }[];
  /** Save URLs the offscreen document opened, in order. */
  opened: string[];
  cancelled: number[];
  erased: number[];
  removedFiles: number[];
  /** Where a download made from an opened save URL is reported (the worker's downloads.onCreated). */
  onCreated: ((item: { id: number; url: string }) => void) | null;
  /** Ids of the declarativeNetRequest session rules in force. */
  sessionRules: number[];
  /** chrome.storage.session's contents. */
  session: Map<string, unknown>;
  /** Runs inside downloads.cancel before it takes effect (a download that completes just then, say). */
  beforeCancel: ((id: number) => void) | null;
  /** Adds a download the browser already knows (from before the worker started). */
  known(download: Omit<FakeDownload, 'startTime'> & { startTime?: string }): void;
}

let state: FakeChrome = freshState();
let nextId = 100;
let offscreenOpen = false;

function freshState(): FakeChrome {
  const fake: FakeChrome = {
    downloads: [],
    started: [],
    opened: [],
    cancelled: [],
    erased: [],
    removedFiles: [],
    onCreated: null,
    beforeCancel: null,
    sessionRules: [],
    session: new Map(),
    known: (d) => fake.downloads.push({ startTime: new Date().toISOString(), ...d }),
  };
  return fake;
}

const runtime: { lastError?: { message: string } } & Record<string, unknown> = {};

/** An async fake method callable both ways, as Chromium's MV3 methods are. */
// biome-ignore lint/suspicious/noExplicitAny: fakes take whatever the callers pass
function api<A extends any[], R>(
  fn: (...args: A) => Promise<R>,
): (...args: unknown[]) => Promise<R> | undefined {
  return (...args: unknown[]) => {
    const last = args.at(-1);
    if (typeof last !== 'function') return fn(...(args as A));
    const callback = last as (value?: R) => void;
    fn(...(args.slice(0, -1) as A)).then(
      (value) => callback(value),
      (error: unknown) => {
        runtime.lastError = { message: error instanceof Error ? error.message : String(error) };
        try {
          callback();
        } finally {
          delete runtime.lastError;
        }
      },
    );
    return undefined;
  };
}

Object.assign(runtime, {
  id: 'fakemiedkhlmlmmbccllciacifpncpfc',
  ContextType: { OFFSCREEN_DOCUMENT: 'OFFSCREEN_DOCUMENT' },
  getURL: (path: string) => `chrome-extension://fakemiedkhlmlmmbccllciacifpncpfc/${path}`,
  getContexts: api(async () => (offscreenOpen ? [{ contextType: 'OFFSCREEN_DOCUMENT' }] : [])),
  sendMessage: api(async (message: { type: string; url?: string }) => {
    if (message.type === 'offscreen/save' && message.url) {
      const url = message.url;
      state.opened.push(url);
      const id = nextId++;
      state.downloads.push({
        id,
        url,
        filename: '',
        state: 'in_progress',
        startTime: new Date().toISOString(),
      });
      setTimeout(() => state.onCreated?.({ id, url }), 0);
    }
    return { ok: true, value: null };
  }),
});

const chrome = {
  runtime,
  offscreen: {
    Reason: { BLOBS: 'BLOBS' },
    createDocument: api(async () => {
      offscreenOpen = true;
    }),
    closeDocument: api(async () => {
      offscreenOpen = false;
    }),
  },
  downloads: {
    download: api(async (options: { url: string; filename?: string }) => {
      state.started.push({ url: options.url, filename: options.filename });
      const id = nextId++;
      state.downloads.push({
        id,
        url: options.url,
        filename: options.filename ?? '',
        state: 'in_progress',
        startTime: new Date().toISOString(),
      });
      return id;
    }),
    search: api(async (query: { id?: number; url?: string; startedAfter?: string }) =>
      state.downloads.filter(
        (d) =>
          (query.id === undefined || d.id === query.id) &&
          (query.url === undefined || d.url === query.url) &&
          (query.startedAfter === undefined || d.startTime >= query.startedAfter),
      ),
    ),
    cancel: api(async (id: number) => {
      state.beforeCancel?.(id);
      state.cancelled.push(id);
      const d = state.downloads.find((x) => x.id === id);
      if (d && d.state === 'in_progress') d.state = 'interrupted';
    }),
    erase: api(async ({ id }: { id: number }) => {
      state.erased.push(id);
      state.downloads = state.downloads.filter((d) => d.id !== id);
      return [id];
    }),
    removeFile: api(async (id: number) => {
      state.removedFiles.push(id);
    }),
  },
  storage: {
    session: {
      get: api(async (key: string) => (state.session.has(key) ? { [key]: state.session.get(key) } : {})),
      set: api(async (items: Record<string, unknown>) => {
        for (const [key, value] of Object.entries(items)) state.session.set(key, value);
      }),
      remove: api(async (key: string) => {
        state.session.delete(key);
      }),
    },
  },
  declarativeNetRequest: {
    getSessionRules: api(async () => state.sessionRules.map((id) => ({ id }))),
    updateSessionRules: api(async (update: { addRules?: { id: number }[]; removeRuleIds?: number[] }) => {
      const removed = new Set(update.removeRuleIds ?? []);
      state.sessionRules = state.sessionRules.filter((id) => !removed.has(id));
      state.sessionRules.push(...(update.addRules ?? []).map((r) => r.id));
    }),
  },
};

Object.assign(globalThis, { chrome });

/** A fresh fake browser state (no downloads, rules or session data) behind the one installed `chrome`. */
export function installFakeChrome(): FakeChrome {
  state = freshState();
  nextId = 100;
  offscreenOpen = false;
  return state;
}
