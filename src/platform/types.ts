import type { HeldDownload } from '../background/take-over';

/** What the saver's transport needs of the background: the save stream of a URL, and the download it became. */
export interface SaveEndpoints {
  /** The file behind one of the saver's save URLs, streamed from its stored pieces (save-streams.ts). */
  respond(request: Request): Promise<Response>;
  /** The file of a save URL as one Blob of its stored pieces, once whole and judged (save-streams.ts). */
  collect(url: string): Promise<{ blob: Blob; filename: string }>;
  /** The browser created download `id` for save URL `url` (the saver then follows it). */
  created(item: { id: number; url: string }): void;
}

/** How a save URL becomes a browser download. */
export interface SaveTransport {
  /**
   * Every save is opened as soon as the job knows its file. 'at-once': the browser creates its download
   * straight away and writes the file as the bytes arrive (Chromium). 'at-end': the transport follows the
   * pieces as they arrive, hashing them, and the browser's download is created only once every byte is stored
   * and judged (Firefox).
   */
  readonly creates: 'at-once' | 'at-end';
  /** Wires the endpoints, once, at the background's start (listeners registered synchronously). */
  serve(endpoints: SaveEndpoints): void;
  /** Has the browser download the file of `url`; resolves once asked ('at-end': once created). */
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
