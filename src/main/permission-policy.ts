/**
 * Which web permissions the page gets: none. The renderer uses no camera, microphone, clipboard
 * API, notifications, fullscreen, geolocation or devices (keyboard copy and paste need no
 * permission), so every check and request is refused. A feature that needs one adds its name here,
 * and only the app's own page receives it.
 */

/** Permission names (Electron's) the app's own page is granted. */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set<string>();

/**
 * @example isPermissionGranted('media', 'app://doppel/index.html', () => true) // → false (not granted to anyone)
 */
export function isPermissionGranted(
  permission: string,
  requestingUrl: string | undefined,
  isAppPage: (url: string) => boolean,
  granted: ReadonlySet<string> = GRANTED_PERMISSIONS,
): boolean {
  return granted.has(permission) && requestingUrl !== undefined && isAppPage(requestingUrl);
}
