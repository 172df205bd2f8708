/** shell.openExternal only ever gets an allow-listed https page, re-serialised by the URL parser. */
import { describe, expect, it } from 'vitest';
import { EXTERNAL_LINK_ALLOW_LIST, externalUrlToOpen } from '../../src/main/external-links';

const ALLOW = ['https://good.example', 'https://docs.example/doppel'];

describe('externalUrlToOpen', () => {
  it('should open a page of an allow-listed origin', () => {
    expect(externalUrlToOpen('https://good.example/about', ALLOW)).toBe('https://good.example/about');
  });

  it('should open the URL as parsed, not as written', () => {
    expect(externalUrlToOpen('HTTPS://GOOD.EXAMPLE/a b', ALLOW)).toBe('https://good.example/a%20b');
  });

  it('should refuse http and other schemes', () => {
    expect(externalUrlToOpen('http://good.example/', ALLOW)).toBeNull();
    expect(externalUrlToOpen('file:///etc/passwd', ALLOW)).toBeNull();
    expect(externalUrlToOpen('javascript:alert(1)', ALLOW)).toBeNull();
    expect(externalUrlToOpen('ms-settings:', ALLOW)).toBeNull();
  });

  it('should refuse user info that makes another host read like a good one', () => {
    expect(externalUrlToOpen('https://good.example@evil.example/', ALLOW)).toBeNull();
    expect(externalUrlToOpen('https://user:pass@good.example/', ALLOW)).toBeNull();
  });

  it('should refuse hosts that merely start or end like an allowed one', () => {
    expect(externalUrlToOpen('https://good.example.evil.example/', ALLOW)).toBeNull();
    expect(externalUrlToOpen('https://evilgood.example/', ALLOW)).toBeNull();
    expect(externalUrlToOpen('https://sub.good.example/', ALLOW)).toBeNull();
  });

  it('should refuse an allowed host named only in the path or query', () => {
    expect(externalUrlToOpen('https://evil.example/?next=https://good.example', ALLOW)).toBeNull();
    expect(externalUrlToOpen('https://evil.example/good.example', ALLOW)).toBeNull();
  });

  it('should refuse another port on an allowed host', () => {
    expect(externalUrlToOpen('https://good.example:8443/', ALLOW)).toBeNull();
  });

  it('should read a backslash as the browser does, so it cannot smuggle in another host', () => {
    expect(externalUrlToOpen('https://evil.example\\@good.example/', ALLOW)).toBeNull();
    expect(externalUrlToOpen('https://good.example\\@evil.example/', ALLOW)).toBe('https://good.example/@evil.example/');
  });

  it('should match a path entry on whole segments', () => {
    expect(externalUrlToOpen('https://docs.example/doppel', ALLOW)).toBe('https://docs.example/doppel');
    expect(externalUrlToOpen('https://docs.example/doppel/install', ALLOW)).toBe('https://docs.example/doppel/install');
    expect(externalUrlToOpen('https://docs.example/doppel-evil', ALLOW)).toBeNull();
    expect(externalUrlToOpen('https://docs.example/', ALLOW)).toBeNull();
  });

  it('should refuse what does not parse', () => {
    expect(externalUrlToOpen('https://', ALLOW)).toBeNull();
    expect(externalUrlToOpen('', ALLOW)).toBeNull();
  });

  it('should ignore allow-list entries that are not plain https', () => {
    expect(externalUrlToOpen('http://plain.example/', ['http://plain.example'])).toBeNull();
  });

  it('should keep only plain https entries in the shipped allow-list', () => {
    for (const entry of EXTERNAL_LINK_ALLOW_LIST) {
      const url = new URL(entry);
      expect([url.protocol, url.username, url.password, url.port]).toEqual(['https:', '', '', '']);
    }
  });
});
