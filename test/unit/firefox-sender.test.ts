import { describe, expect, it } from 'vitest';
import { isOwnSender } from '../../src/shared/protocol';

/** Firefox's pages of the add-on are under moz-extension://<internal UUID>/, and its id is the gecko id. */
const ID = 'download-accelerator@accelerator.invalid';
const UUID = '0f4b0c2e-7d1a-4c3e-9a55-5b8f5d7a3c11';
const ORIGIN = `moz-extension://${UUID}/`;

describe('sender check in Firefox', () => {
  it.each([
    [{ id: ID, url: `${ORIGIN}src/popup/popup.html` }, true],
    [{ id: ID, url: `moz-extension://${UUID}.evil.example/` }, false],
    [{ id: ID, url: `moz-extension://another-${UUID}/src/popup/popup.html` }, false],
    [{ id: 'other@example.org', url: `${ORIGIN}src/popup/popup.html` }, false],
    [{ id: ID, url: 'https://evil.example/' }, false],
  ])('%j → %s', (sender, ok) => {
    expect(isOwnSender(sender, ID, ORIGIN)).toBe(ok);
  });

  it('rejects an origin that is no extension’s', () => {
    expect(isOwnSender({ id: ID, url: 'https://a.example/x' }, ID, 'https://a.example/')).toBe(false);
  });
});
