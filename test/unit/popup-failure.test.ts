import { describe, expect, it } from 'vitest';
import { failureNote, failureTitle } from '../../src/popup/failure';

// The unit setup reads the default locale's catalog (test/unit/setup-chrome.ts).
describe("a failed job's note", () => {
  it("says what went wrong from the error code, then the engine's words", () => {
    const error = {
      name: 'HttpStatusError',
      code: 'HTTP_STATUS',
      message: 'GET https://x.example/f answered HTTP 500',
    };
    expect(failureNote(error)).toBe('The server refused (GET https://x.example/f answered HTTP 500)');
    expect(failureTitle('CHECKSUM_MISMATCH')).toMatch(/SHA-256 does not match/);
  });

  it('has a general title for an unknown or missing code', () => {
    expect(failureTitle(null)).toBe('The download failed');
    expect(failureTitle('SOMETHING_NEW')).toBe('The download failed');
  });
});
