import { readdir, readFile } from 'node:fs/promises';

/**
 * The browser's total memory: the proportional set size (PSS, shared pages split among sharers) summed over
 * the Chromium process that owns `profileDir` and all its descendants, read from /proc (Linux only).
 */
export async function browserMemoryBytes(profileDir: string): Promise<number> {
  const processes = await listProcesses();
  const root = processes.find(
    (p) => p.cmdline.includes(`--user-data-dir=${profileDir}`) && !p.cmdline.includes('--type='),
  );
  if (!root) throw new Error(`no Chromium process for ${profileDir}`);
  const tree = new Set([root.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of processes) {
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  let total = 0;
  for (const pid of tree) total += await pssBytes(pid);
  return total;
}

/** Samples browserMemoryBytes every `intervalMs` until stopped; reports the peak. */
export function sampleMemory(profileDir: string, intervalMs = 100): { stop(): Promise<number> } {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      peak = Math.max(peak, await browserMemoryBytes(profileDir).catch(() => 0));
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return peak;
    },
  };
}

interface ProcessInfo {
  pid: number;
  ppid: number;
  cmdline: string;
}

async function listProcesses(): Promise<ProcessInfo[]> {
  const result: ProcessInfo[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // The command name may contain spaces and parentheses: fields resume after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      result.push({ pid: Number(entry), ppid: Number(fields[1]), cmdline });
    } catch {
      // The process ended while we looked.
    }
  }
  return result;
}

async function pssBytes(pid: number): Promise<number> {
  try {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kib = /^Pss:\s+(\d+) kB/m.exec(rollup)?.[1];
    return kib ? Number(kib) * 1024 : 0;
  } catch {
    return 0;
  }
}
