// `npm run screenshots`: the README's pictures on real photos. Builds a folder from the sample photos
// setup fetches (darknet, scikit-image, OpenCV) with copies of some (a byte copy, a resized export, a
// recompressed one, a crop), indexes it with the real engine (`doppel index`), serves browser mode
// (`doppel serve`) and takes the Library, the Duplicates review and focus mode (or Compare) in
// Debian's Chromium into docs/screenshots/, each written as a palette PNG under 300 KB.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import sharp from 'sharp';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'docs', 'screenshots');
const CLI = path.join(ROOT, 'bin', 'doppel.mjs');
const SOURCES = [
  '/usr/share/darknet/data',
  path.join(ROOT, '.cache/eval-photos/debian/usr/lib/python3/dist-packages/skimage/data'),
  path.join(ROOT, '.cache/eval-photos/debian/usr/share/doc/opencv-doc/examples/data'),
];
/** Photographs among the samples (not charts, masks or text). */
const PHOTOS = new Set(
  'dog eagle giraffe horses kite person astronaut chelsea coffee rocket motorcycle_left hubble_deep_field baboon fruits home lena messi5 orange building butterfly apple aero1 left right'.split(
    ' ',
  ),
);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-screenshots-'));
const photos = path.join(work, 'Pictures');
const library = path.join(work, 'library');

async function buildFolder() {
  const camera = path.join(photos, 'Camera');
  const backup = path.join(photos, 'Backup', 'Old laptop', 'Camera');
  const shared = path.join(photos, 'Shared', 'Family chat');
  for (const folder of [camera, backup, shared]) fs.mkdirSync(folder, { recursive: true });
  const originals = [];
  for (const source of SOURCES.filter((folder) => fs.existsSync(folder))) {
    for (const name of fs.readdirSync(source).sort()) {
      const base = path.parse(name).name;
      if (!PHOTOS.has(base) || !/\.(jpe?g|png)$/i.test(name)) continue;
      const target = path.join(camera, `${base}.jpg`);
      await sharp(path.join(source, name)).rotate().jpeg({ quality: 92 }).toFile(target);
      originals.push(target);
    }
  }
  if (originals.length < 6) throw new Error(`screenshots: only ${originals.length} sample photos found; run npm run setup`);
  const [first, second, third, fourth, fifth] = originals;
  fs.copyFileSync(first, path.join(backup, path.basename(first))); // byte copy
  fs.copyFileSync(second, path.join(backup, path.basename(second)));
  await sharp(second)
    .resize({ width: 480 })
    .jpeg({ quality: 70 })
    .toFile(path.join(shared, `IMG-${path.parse(second).name}-WA0001.jpg`));
  await sharp(third)
    .jpeg({ quality: 55 })
    .toFile(path.join(shared, path.basename(third))); // recompressed
  const meta = await sharp(fourth).metadata();
  const crop = { left: Math.round(meta.width * 0.04), top: Math.round(meta.height * 0.04) };
  await sharp(fourth)
    .extract({ ...crop, width: Math.round(meta.width * 0.92), height: Math.round(meta.height * 0.92) })
    .jpeg({ quality: 88 })
    .toFile(path.join(shared, `${path.parse(fourth).name} (edited).jpg`));
  await sharp(fifth)
    .png()
    .toFile(path.join(backup, `${path.parse(fifth).name}.png`)); // same pixels
}

/** Starts `doppel serve` on the library; resolves with its sign-in address and the process. */
function serve() {
  const child = spawn(process.execPath, [CLI, 'serve', '--library', library, '--port', '0', '--no-open'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const url = /http:\/\/\S+token=\S+/.exec(output)?.[0];
      if (url) resolve({ url, child });
    });
    child.once('exit', (code) => reject(new Error(`doppel serve exited (${code}) before it was ready:\n${output}`)));
  });
}

/** A palette PNG: the app's flat colours and the photos in it stay well under 300 KB. */
async function save(buffer, name) {
  const target = path.join(OUT, name);
  await sharp(buffer).resize({ width: 1200 }).png({ palette: true, quality: 70, colours: 128, effort: 10 }).toFile(target);
  const size = fs.statSync(target).size;
  if (size > 300_000) throw new Error(`screenshots: ${name} is ${Math.round(size / 1000)} KB, over 300 KB`);
  console.log(`screenshots: ${path.relative(ROOT, target)} (${Math.round(size / 1000)} KB)`);
}

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.mjs'))) execFileSync('npm', ['run', 'build:cli'], { cwd: ROOT, stdio: 'inherit' });
  if (!fs.existsSync(path.join(ROOT, 'out', 'renderer', 'index.html')))
    execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
  await buildFolder();
  execFileSync(process.execPath, [CLI, 'index', photos, '--library', library], { stdio: 'inherit' });
  const { url, child } = await serve();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    await page.locator('img').first().waitFor();
    await page.waitForTimeout(1500);
    fs.mkdirSync(OUT, { recursive: true });
    await save(await page.screenshot(), 'library.png');

    await page.goto(new URL('/duplicates', url).href);
    await page.getByTestId('duplicate-group').first().waitFor();
    await page.waitForTimeout(1500);
    await save(await page.screenshot(), 'duplicates.png');

    const focus = page.getByRole('button', { name: 'Focus mode' });
    if ((await focus.count()) > 0) await focus.first().click();
    else await page.getByTestId('duplicate-group').first().getByRole('button', { name: 'Compare', exact: true }).click();
    await page.waitForTimeout(2000);
    await save(await page.screenshot(), 'focus.png');
  } finally {
    await browser.close();
    child.kill('SIGINT');
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
