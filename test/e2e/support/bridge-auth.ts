/** How the tests sign in to the bridge: its `url` carries this run's token (`?token=…`). */

/**
 * Headers that authenticate a script's request, read from the bridge's token URL.
 * @example fetch(new URL('/api/library:stats', bridge.url), { method: 'POST', headers: { ...authHeaders(bridge.url) } })
 */
export function authHeaders(bridgeUrl: string): Record<string, string> {
  const token = new URL(bridgeUrl).searchParams.get('token');
  if (!token) throw new Error(`${bridgeUrl} carries no token: pass the bridge's url, not its baseUrl`);
  return { authorization: `Bearer ${token}` };
}
