import type { HeldDownload } from '../background/take-over';

/** What the saver's transport needs of the background: the save stream of a URL, and the download it became. */
export interface SaveEndpoints {
  /** The file behind one of the saver's save URLs, streamed from its stored pieces (save-streams.ts). */
  respond(request: Request): Promise<Response>;
  /** The browser created download `id` for save URL `url` (the saver then follows it). */
  created(item: { id: number; url: string }): void;
}

/** How a save URL becomes a browser download. */
export interface SaveTransport {
  /** A save may start while the file is still arriving (the browser writes it as it comes), or only at its end. */
  readonly streaming: boolean;
  /** Wires the endpoints, once, at the background's start (listeners registered synchronously). */
  serve(endpoints: SaveEndpoints): void;
  /** Has the browser download the file of `url`; resolves once asked (or, without streaming, once created). */
  open(url: string): Promise<void>;
  /** No save is being started any more: frees what opening them needed. */
  close(): Promise<void>;
}

/**
 * What differs between the browsers, in one place (src/platform/); everything else is the same source.
 * `held`: how the take-over holds the browser's download while its probe decides.
 */
export interface Platform {
  readonly name: 'chromium' | 'firefox';
  readonly held: HeldDownload;
  readonly saves: SaveTransport;
}
