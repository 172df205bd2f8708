/** Which URLs count as the app's own page (IPC, navigation and permissions all ask this). */
import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, isAppPageUrl } from '../../src/main/app-page';

const DEV_SERVER = 'http://localhost:5173';

describe('isAppPageUrl', () => {
  it('should accept the built entry page, with or without hash and query', () => {
    expect(isAppPageUrl(APP_ENTRY_URL, null)).toBe(true);
    expect(isAppPageUrl('app://doppel/', null)).toBe(true);
    expect(isAppPageUrl('app://doppel/index.html#/similar?x=1', null)).toBe(true);
  });

  it('should refuse other files, hosts and schemes', () => {
    expect(isAppPageUrl('app://doppel/assets/index.js', null)).toBe(false);
    expect(isAppPageUrl('app://other/index.html', null)).toBe(false);
    expect(isAppPageUrl('file:///work/out/renderer/index.html', null)).toBe(false);
    expect(isAppPageUrl('https://doppel/index.html', null)).toBe(false);
    expect(isAppPageUrl('not a url', null)).toBe(false);
  });

  it('should refuse user info in front of the host', () => {
    expect(isAppPageUrl('app://evil@doppel/index.html', null)).toBe(false);
  });

  it('should accept pages of the dev server only when there is one', () => {
    expect(isAppPageUrl('http://localhost:5173/', DEV_SERVER)).toBe(true);
    expect(isAppPageUrl('http://localhost:5173/', null)).toBe(false);
  });

  it('should compare the dev server by origin, not by string prefix', () => {
    expect(isAppPageUrl('http://localhost:51730/', DEV_SERVER)).toBe(false);
    expect(isAppPageUrl('http://localhost:5173.evil.example/', DEV_SERVER)).toBe(false);
    expect(isAppPageUrl('https://localhost:5173/', DEV_SERVER)).toBe(false);
  });
});
