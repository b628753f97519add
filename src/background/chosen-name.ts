import { browser, type Downloads } from '../shared/browser-api';

/**
 * The file name the browser chose for one of its downloads. Chromium determines it while the download is held
 * paused (docs/platform.md fact 14): from the link's `download` attribute, Content-Disposition, or the user's
 * answer to "Ask where to save". The job saves under that name (its last path segment: the saved file goes to
 * the downloads folder).
 */
export type ChosenName =
  | { kind: 'named'; name: string }
  /** The download ended first (the user cancelled the save dialog, or it was erased). */
  | { kind: 'ended' }
  /** No name within the bound. */
  | { kind: 'unnamed' };

export function chosenName(id: number, timeoutMs: number): Promise<ChosenName> {
  return new Promise((resolve) => {
    const finish = (result: ChosenName) => {
      clearTimeout(timer);
      browser.downloads.onChanged.removeListener(onChanged);
      resolve(result);
    };
    const onChanged = (delta: Downloads.OnChangedDownloadDeltaType) => {
      if (delta.id !== id) return;
      if (delta.filename?.current) finish(named(delta.filename.current));
      else if (delta.state?.current === 'interrupted' || delta.state?.current === 'complete')
        finish({ kind: 'ended' });
    };
    const timer = setTimeout(() => finish({ kind: 'unnamed' }), timeoutMs);
    browser.downloads.onChanged.addListener(onChanged);
    void browser.downloads.search({ id }).then(
      ([item]) => {
        if (!item || item.state === 'interrupted') finish({ kind: 'ended' });
        else if (item.filename) finish(named(item.filename));
      },
      () => finish({ kind: 'ended' }),
    );
  });
}

function named(path: string): ChosenName {
  const name = path.split(/[/\\]/).filter(Boolean).at(-1);
  return name ? { kind: 'named', name } : { kind: 'unnamed' };
}
