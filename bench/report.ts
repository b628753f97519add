import type { ServerCounts } from './backend';
import type { Scenario } from './scenarios';
import type { ClientRun } from './tools';

/** One client's download in one scenario. */
export interface Measured {
  client: string;
  run: ClientRun;
  counts: ServerCounts;
  /** The file's SHA-256 matched; null when there was no file to check (timeout, failure). */
  bytesOk: boolean | null;
}

export interface Verdict {
  target: string;
  pass: boolean;
  /** "yes", or "NO: " and every missed part. */
  text: string;
}

/** "4.51 s 1.06x, 6 req": time, time / ideal, GET requests, 503 answers when (d) or any, and a bytes mark. */
export function cell(m: Measured, scenario: Scenario, idealSeconds: number): string {
  const { run, counts } = m;
  const parts = [`${counts.gets} req`];
  if (scenario.shape.maxConcurrent !== null || counts.refused > 0) parts.push(`${counts.refused} x 503`);
  if (m.bytesOk === false) parts.push('WRONG BYTES');
  const seconds = run.seconds.toFixed(2);
  switch (run.status) {
    case 'ok':
      return [`${seconds} s ${(run.seconds / idealSeconds).toFixed(2)}x`, ...parts].join(', ');
    case 'timeout':
      return [`stopped at ${seconds} s (> ${(run.seconds / idealSeconds).toFixed(1)}x)`, ...parts].join(', ');
    case 'failed':
      return [`FAILED at ${seconds} s (${run.message.replaceAll('|', '/')})`, ...parts].join(', ');
    default: {
      const exhaustive: never = run;
      return exhaustive;
    }
  }
}

/** Whether `ours` met the scenario's goal; `others` are the other clients on the same server. */
export function verdict(
  scenario: Scenario,
  idealSeconds: number,
  ours: Measured,
  others: Measured[],
): Verdict {
  const { goal } = scenario;
  const target = {
    ratio: `<= ${goal.maxRatio.toFixed(2)}x`,
    fastest: `<= ${goal.maxRatio.toFixed(2)}x, fastest`,
    polite: `<= ${goal.maxRatio.toFixed(2)}x, <= 1 503/s`,
  }[goal.kind];
  const missed: string[] = [];
  const ratio = ours.run.seconds / idealSeconds;
  if (ours.run.status !== 'ok') missed.push(ours.run.status === 'timeout' ? 'timed out' : 'failed');
  else if (ours.bytesOk !== true) missed.push('wrong bytes');
  else if (ratio > goal.maxRatio) missed.push(`${ratio.toFixed(2)}x`);
  if (goal.kind === 'fastest') {
    const beatenBy = others.filter(
      (o) => completed(o) && !(completed(ours) && ours.run.seconds < o.run.seconds),
    );
    if (beatenBy.length > 0) missed.push(`not faster than ${beatenBy.map((o) => o.client).join(', ')}`);
  }
  if (goal.kind === 'polite' && ours.counts.refused > Math.max(1, ours.run.seconds)) {
    missed.push(`${ours.counts.refused} x 503 in ${ours.run.seconds.toFixed(1)} s`);
  }
  const pass = missed.length === 0;
  return { target, pass, text: pass ? 'yes' : `NO: ${missed.join('; ')}` };
}

function completed(m: Measured): boolean {
  return m.run.status === 'ok' && m.bytesOk === true;
}

/** A Markdown table with padded columns, readable in a terminal as it is. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
