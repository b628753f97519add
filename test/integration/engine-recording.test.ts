import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { download } from '../../src/engine/download';
import type { DownloadNotice, PieceSink } from '../../src/engine/types';
import { ManualClock, runSettled } from '../helpers/manual-clock';
import { MemorySink, PieceMemorySink } from '../helpers/memory-sink';
import { reasonOf, type Script, scriptedServer } from '../helpers/scripted-fetcher';

/**
 * Recordings of the range session on a simulated clock: every request (URL, range, If-Range), every abort and
 * its reason, the notices and the adaptations, for scripted servers in both production modes (the CLI streams
 * with ramp-up; the extension fetches in-order pieces without it). They pin what the engine does, so that a
 * change of its structure that changes its behaviour shows here.
 */

const MIB = 1024 * 1024;
const KIB = 1024;
const RATE = 2 * MIB;
const ORIGINAL = 'http://files.test/file.bin';
const SIGNED = 'http://cdn.test/file.bin?sig=1';
const RESIGNED = 'http://cdn.test/file.bin?sig=2';

function fileOf(size: number): Uint8Array {
  const data = new Uint8Array(size);
  let x = 12345;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    data[i] = x >>> 24;
  }
  return data;
}

const DATA = fileOf(12 * MIB);
const SHA = createHash('sha256').update(DATA).digest('hex');

type Mode = 'stream' | 'pieces';

interface Case {
  script?: Script;
  finalUrl?: (url: string) => string;
}

const cases: Record<string, Case> = {
  plain: {},
  'uneven speeds (every fifth request at 1/16)': {
    script: (r) => (r.index % 5 === 2 ? { bytesPerSecond: RATE / 16 } : {}),
  },
  '503 with Retry-After above 2 connections': {
    script: (r) => (r.open >= 2 ? { status: 503, retryAfter: '1' } : {}),
  },
  'refused connection above 3 connections': {
    script: (r) => (r.open >= 3 ? { refuse: true } : {}),
  },
  'short 206 answers (every third at most 512 KiB)': {
    script: (r) => (r.index % 3 === 1 ? { maxBytes: 512 * KIB } : {}),
  },
  'slow piece: the fourth request stalls after 128 KiB': {
    script: (r) => (r.index === 3 ? { stallAfterBytes: 128 * KIB } : {}),
  },
  '403 from the redirect target after 0.5 s': {
    finalUrl: (url) => (url === ORIGINAL ? SIGNED : url),
    script: (r) => {
      if (r.url === ORIGINAL) return { respondUrl: r.atMs < 500 ? SIGNED : RESIGNED };
      if (r.url === SIGNED && r.atMs >= 500) return { status: 403 };
      return {};
    },
  },
};

async function record(mode: Mode, c: Case) {
  const clock = new ManualClock();
  const server = scriptedServer({
    clock,
    data: DATA,
    etag: '"v1"',
    bytesPerSecond: RATE,
    script: c.script,
    finalUrl: c.finalUrl,
    raw: mode === 'pieces',
  });
  let sink: PieceSink;
  if (mode === 'pieces') {
    const pieces = new PieceMemorySink(null, 8 * MIB);
    pieces.inOrder = true;
    sink = pieces;
  } else {
    sink = new MemorySink(null, MIB);
  }
  const notices: DownloadNotice[] = [];
  const work = download({
    url: ORIGINAL,
    fetcher: server.fetcher,
    clock,
    sink,
    maxConnections: 6,
    ramp: mode === 'stream',
    random: () => 0.5,
    onNotice: (n) => notices.push(n),
  });
  let outcome: string;
  let adaptations: unknown = null;
  let requests = 0;
  try {
    const result = await runSettled(clock, work, 120_000);
    const data = (sink as MemorySink).data;
    outcome = createHash('sha256').update(data).digest('hex') === SHA ? 'exact file' : 'WRONG BYTES';
    adaptations = result.adaptations;
    requests = result.requests;
  } catch (error) {
    outcome = `failed: ${reasonOf(error)}`;
  }
  const events = [...server.events].sort(
    (a, b) => a.atMs - b.atMs || a.kind.localeCompare(b.kind) || a.range.localeCompare(b.range),
  );
  return {
    outcome,
    requests,
    adaptations,
    finishedAtMs: clock.now(),
    notices: notices.map((n) => JSON.stringify(n)),
    events: events.map((e) =>
      [e.atMs, e.kind, e.url, e.range, e.ifRange ?? '', e.status ?? '', e.detail ?? ''].join(' '),
    ),
  };
}

for (const mode of ['stream', 'pieces'] as const) {
  describe(`range session recording, ${mode === 'stream' ? 'CLI (streams, ramp-up)' : 'extension (in-order pieces)'}`, () => {
    for (const [name, c] of Object.entries(cases)) {
      it(name, async () => {
        const recorded = await record(mode, c);
        expect(recorded).toMatchSnapshot();
      });
    }
  });
}
