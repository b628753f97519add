import { checkUrl, UsageError } from './args';

/**
 * An input file (-i): one URL a line; blank lines, `#` comments and aria2's indented option lines are
 * skipped. A line that is not an http(s) URL is an error naming its line, before anything is downloaded.
 */
export function parseInputList(text: string, file: string): string[] {
  const urls: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || /^\s/.test(line)) return;
    try {
      urls.push(checkUrl(trimmed));
    } catch (error) {
      throw new UsageError(`${file} line ${index + 1}: ${(error as Error).message}`);
    }
  });
  if (urls.length === 0) throw new UsageError(`${file} lists no URL`);
  return urls;
}

/** Runs `run` over `items`, at most `concurrency` at once, in order of the list; resolves to each result. */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  run: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
