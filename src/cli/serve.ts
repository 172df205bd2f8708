/** `doppel serve`: the app in a browser, backed by the real core (see src/bridge). */
export async function serve(options: { libraryDir?: string; port: number; open: boolean }): Promise<number> {
  const { startBridge, openInBrowser } = await import('../bridge/index');
  const bridge = await startBridge({ libraryDir: options.libraryDir, port: options.port, host: '127.0.0.1' });
  // The token is the only thing that keeps other users of this computer out: say so.
  process.stdout.write(
    `Doppel is running. Open this address to sign in (it holds this run's key; do not share it):\n\n  ${bridge.url}\n\n` +
      'Press Ctrl-C to stop.\n',
  );
  const launcher = options.open ? await openInBrowser(bridge.url, (line) => process.stderr.write(`doppel serve: ${line}\n`)) : null;
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await bridge.close();
  await launcher?.dispose();
  return 0;
}
