/**
 * Locks down the session the window uses: every permission check and request goes through
 * permission-policy.ts (which grants nothing today), and no page may reach USB, HID or serial devices.
 */
import type { Session } from 'electron';
import { isPermissionGranted } from './permission-policy.js';

export function lockDownSession(session: Session, isAppPage: (url: string) => boolean): void {
  // Checks are the synchronous "is it granted?" questions (navigator.permissions.query, clipboard
  // writes); requests are the prompts. Electron answers both with "yes" unless told otherwise.
  session.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    isPermissionGranted(permission, details.requestingUrl, isAppPage),
  );
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionGranted(permission, details.requestingUrl, isAppPage)),
  );
  session.setDevicePermissionHandler(() => false);
}
