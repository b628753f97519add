/**
 * The few chrome.* APIs the worker's job manager, saver and take-over call, faked for Node: a browser download
 * list the test can drive (complete, interrupt), an offscreen document whose opened save URLs become downloads
 * (reported to `onCreated`), session rules and session storage. Installed on globalThis.chrome by
 * `installFakeChrome`.
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

export function installFakeChrome(): FakeChrome {
  let nextId = 100;
  let offscreenOpen = false;
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
  const chrome = {
    runtime: {
      id: 'fakemiedkhlmlmmbccllciacifpncpfc',
      ContextType: { OFFSCREEN_DOCUMENT: 'OFFSCREEN_DOCUMENT' },
      getURL: (path: string) => `chrome-extension://fakemiedkhlmlmmbccllciacifpncpfc/${path}`,
      getContexts: async () => (offscreenOpen ? [{ contextType: 'OFFSCREEN_DOCUMENT' }] : []),
      sendMessage: async (message: { type: string; url?: string }) => {
        if (message.type === 'offscreen/save' && message.url) {
          const url = message.url;
          fake.opened.push(url);
          const id = nextId++;
          fake.downloads.push({
            id,
            url,
            filename: '',
            state: 'in_progress',
            startTime: new Date().toISOString(),
          });
          setTimeout(() => fake.onCreated?.({ id, url }), 0);
        }
        return { ok: true, value: null };
      },
    },
    offscreen: {
      Reason: { BLOBS: 'BLOBS' },
      createDocument: async () => {
        offscreenOpen = true;
      },
      closeDocument: async () => {
        offscreenOpen = false;
      },
    },
    downloads: {
      download: async (options: { url: string; filename?: string }) => {
        fake.started.push({ url: options.url, filename: options.filename });
        const id = nextId++;
        fake.downloads.push({
          id,
          url: options.url,
          filename: options.filename ?? '',
          state: 'in_progress',
          startTime: new Date().toISOString(),
        });
        return id;
      },
      search: async (query: { id?: number; url?: string; startedAfter?: string }) =>
        fake.downloads.filter(
          (d) =>
            (query.id === undefined || d.id === query.id) &&
            (query.url === undefined || d.url === query.url) &&
            (query.startedAfter === undefined || d.startTime >= query.startedAfter),
        ),
      cancel: async (id: number) => {
        fake.beforeCancel?.(id);
        fake.cancelled.push(id);
        const d = fake.downloads.find((x) => x.id === id);
        if (d && d.state === 'in_progress') d.state = 'interrupted';
      },
      erase: async ({ id }: { id: number }) => {
        fake.erased.push(id);
        fake.downloads = fake.downloads.filter((d) => d.id !== id);
        return [id];
      },
      removeFile: async (id: number) => {
        fake.removedFiles.push(id);
      },
    },
    storage: {
      session: {
        get: async (key: string) => (fake.session.has(key) ? { [key]: fake.session.get(key) } : {}),
        set: async (items: Record<string, unknown>) => {
          for (const [key, value] of Object.entries(items)) fake.session.set(key, value);
        },
        remove: async (key: string) => {
          fake.session.delete(key);
        },
      },
    },
    declarativeNetRequest: {
      getSessionRules: async () => fake.sessionRules.map((id) => ({ id })),
      updateSessionRules: async (update: { addRules?: { id: number }[]; removeRuleIds?: number[] }) => {
        const removed = new Set(update.removeRuleIds ?? []);
        fake.sessionRules = fake.sessionRules.filter((id) => !removed.has(id));
        fake.sessionRules.push(...(update.addRules ?? []).map((r) => r.id));
      },
    },
  };
  Object.assign(globalThis, { chrome });
  return fake;
}
