/** The window never navigates away; permissions are refused to every page. */
import { describe, expect, it } from 'vitest';
import { isAppPageUrl } from '../../src/main/app-page';
import { navigationVerdict, windowOpenVerdict } from '../../src/main/navigation-guard';
import { isPermissionGranted } from '../../src/main/permission-policy';

const isAppPage = (url: string): boolean => isAppPageUrl(url, null);
const ALLOW = ['https://good.example'];

describe('navigationVerdict', () => {
  it('should let the main frame reload the app page', () => {
    expect(navigationVerdict({ url: 'app://doppel/index.html', isMainFrame: true }, isAppPage)).toEqual({ action: 'allow' });
  });

  it('should deny a subframe even the app page', () => {
    expect(navigationVerdict({ url: 'app://doppel/index.html', isMainFrame: false }, isAppPage)).toEqual({ action: 'deny' });
  });

  it('should deny navigation to another page of the app or to the web', () => {
    expect(navigationVerdict({ url: 'app://doppel/assets/index.js', isMainFrame: true }, isAppPage)).toEqual({ action: 'deny' });
    expect(navigationVerdict({ url: 'https://evil.example/', isMainFrame: true }, isAppPage, ALLOW)).toEqual({ action: 'deny' });
    expect(navigationVerdict({ url: 'file:///etc/passwd', isMainFrame: true }, isAppPage)).toEqual({ action: 'deny' });
  });

  it('should open an allow-listed link in the browser instead of navigating', () => {
    expect(navigationVerdict({ url: 'https://good.example/x', isMainFrame: false }, isAppPage, ALLOW)).toEqual({
      action: 'open-external',
      url: 'https://good.example/x',
    });
  });
});

describe('windowOpenVerdict', () => {
  it('should open an allow-listed https page in the browser', () => {
    expect(windowOpenVerdict('https://good.example/', ALLOW)).toEqual({ action: 'open-external', url: 'https://good.example/' });
  });

  it('should deny everything else, the app page included', () => {
    expect(windowOpenVerdict('https://good.example@evil.example/', ALLOW)).toEqual({ action: 'deny' });
    expect(windowOpenVerdict('app://doppel/index.html', ALLOW)).toEqual({ action: 'deny' });
  });

  it('should open nothing with the shipped (empty) allow-list', () => {
    expect(windowOpenVerdict('https://good.example/')).toEqual({ action: 'deny' });
  });
});

describe('isPermissionGranted', () => {
  it('should refuse every permission to the app page as shipped', () => {
    for (const permission of ['clipboard-sanitized-write', 'clipboard-read', 'media', 'notifications', 'fullscreen', 'openExternal']) {
      expect(isPermissionGranted(permission, 'app://doppel/index.html', isAppPage)).toBe(false);
    }
  });

  it('should grant a listed permission to the app page only', () => {
    const granted = new Set(['clipboard-sanitized-write']);
    expect(isPermissionGranted('clipboard-sanitized-write', 'app://doppel/index.html', isAppPage, granted)).toBe(true);
    expect(isPermissionGranted('clipboard-sanitized-write', 'https://evil.example/', isAppPage, granted)).toBe(false);
    expect(isPermissionGranted('clipboard-sanitized-write', undefined, isAppPage, granted)).toBe(false);
  });
});
