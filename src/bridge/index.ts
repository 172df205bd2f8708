export { startBridge, type Bridge, type BridgeOptions } from './server.js';
export { openInBrowser, writeLauncher, type Launcher } from './browser-launch.js';
