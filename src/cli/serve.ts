/** `doppel serve`: the app in a browser, backed by the real core (see src/bridge). */
export async function serve(options: { libraryDir?: string; port: number }): Promise<number> {
  const { startBridge } = await import('../bridge/index');
  const bridge = await startBridge({ libraryDir: options.libraryDir, port: options.port, host: '127.0.0.1' });
  process.stdout.write(`Doppel is running at ${bridge.url} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await bridge.close();
  return 0;
}
