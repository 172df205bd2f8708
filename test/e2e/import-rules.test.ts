/** scripts/check-imports.mjs keeps the architecture's import rules, on this repo and on planted violations. */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/renderer-build.js';

const SCRIPT = path.join(REPO_ROOT, 'scripts', 'check-imports.mjs');
const tempDirs: string[] = [];

function runCheck(root: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

async function plantTree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'doppel-imports-'));
  tempDirs.push(root);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return root;
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('import rules', () => {
  it('should pass on this repository', () => {
    const { status, output } = runCheck(REPO_ROOT);
    expect(output).toContain('follow the import rules');
    expect(status).toBe(0);
  });

  it('should fail with file:line for each planted violation', async () => {
    const root = await plantTree({
      'src/core/engine.ts': "import { app } from 'electron';\nexport const x = 1;\n",
      'src/shared/paths.ts':
        "// node:path is fine in a comment\nimport path from 'node:path';\nexport const here = window.location.href;\n",
      'src/renderer/src/App.vue':
        '<template><p>ipcRenderer in text is fine</p></template>\n<script setup lang="ts">\nimport { Doppel } from \'../../core/doppel.js\';\n</script>\n',
      'src/main/window.ts': "import { ipcMain } from 'electron';\nipcMain.handle('x', () => 1);\n",
      'src/engine/engine-service.ts': "import { utilityProcess } from 'electron';\nimport { EngineHost } from '../main/engine-host.js';\n",
      'src/engine/channel-handlers.ts':
        "import { Doppel } from '../core/doppel.js';\nimport type { Channel } from '../shared/channels.js';\n",
      'src/core/doppel.ts': "import { EngineService } from '../engine/engine-service.js';\n",
      'src/bridge/server.ts':
        "import { EngineService } from '../engine/engine-service.js';\nimport { registerIpc } from '../main/ipc/register.js';\n",
      'src/main/engine-host.ts':
        "import { startBridge } from '../bridge/server.js';\nimport type { EngineMessage } from '../engine/process/engine-messages.js';\n",
      // The engine's own process entry is engine code: no Electron import, even there.
      'src/engine/process/engine-process.ts':
        "import { utilityProcess } from 'electron';\nimport { EngineService } from '../engine-service.js';\n",
      'src/cli/serve.ts': "import { startBridge } from '../bridge/index.js';\n",
      'src/main/ipc/register.ts': "import { ipcMain } from 'electron';\nipcMain.handle('y', () => 2);\n",
    });
    const { status, output } = runCheck(root);
    expect(status).toBe(1);
    expect(output).toContain('src/core/engine.ts:1: core imports "electron"');
    expect(output).toContain('src/shared/paths.ts:2: shared imports "node:path"');
    expect(output).toContain('src/shared/paths.ts:3: shared uses the global "window"');
    expect(output).toContain('src/renderer/src/App.vue:3: renderer imports "../../core/doppel.js"');
    expect(output).toContain('src/main/window.ts:1: uses ipcMain');
    expect(output).toContain('src/engine/engine-service.ts:1: engine imports "electron"');
    expect(output).toContain('src/engine/engine-service.ts:2: engine imports "../main/engine-host.js": the engine may only import');
    expect(output).toContain('src/core/doppel.ts:1: core imports "../engine/engine-service.js"');
    expect(output).toContain('src/bridge/server.ts:2: bridge imports "../main/ipc/register.js": doors never import');
    expect(output).toContain('src/main/engine-host.ts:1: main imports "../bridge/server.js": doors never import');
    expect(output).toContain('src/engine/process/engine-process.ts:1: engine imports "electron"');
    expect(output).not.toContain('src/engine/channel-handlers.ts');
    expect(output).not.toContain('src/bridge/server.ts:1');
    expect(output).not.toContain('src/main/engine-host.ts:2');
    expect(output).not.toContain('src/engine/process/engine-process.ts:2');
    expect(output).not.toContain('src/cli/serve.ts');
    expect(output).not.toContain('src/main/ipc/register.ts');
    expect(output).not.toContain('App.vue:1');
    expect(output).not.toContain('paths.ts:1');
  });
});
