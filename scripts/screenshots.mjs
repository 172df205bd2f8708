// `npm run screenshots`: the README's pictures on real photos. Builds a folder from the sample photos
// setup fetches (darknet, scikit-image, OpenCV) with copies of some (a byte copy, a resized export, a
// recompressed one, a crop), indexes it with the real engine (`doppel index`), serves browser mode
// (`doppel serve`) and takes the Library, the Duplicates review and focus mode (or Compare) in
// Debian's Chromium into docs/screenshots/, each once every picture on screen has loaded, written as
// a JPEG under 300 KB (a palette PNG bands the photos). The copies get file times spread over years
// (the samples carry no capture date), so the Library reads like a real one, not one month.
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
      // The camera's originals carry their capture time (the exports below lose it, as chat apps do).
      const taken = takenAt(originals.length).toISOString().replace('T', ' ').slice(0, 19).replaceAll('-', ':');
      await sharp(path.join(source, name))
        .rotate()
        .withExif({ IFD2: { DateTimeOriginal: taken } })
        .jpeg({ quality: 92 })
        .toFile(target);
      originals.push(target);
    }
  }
  if (originals.length < 6) throw new Error(`screenshots: only ${originals.length} sample photos found; run npm run setup`);
  originals.forEach((original, index) => setFileTime(original, takenAt(index)));
  // Not the kite: at thumbnail size, its kite reads as a loading spinner in the first group.
  const [first, second, third, fourth, , fifth] = originals;
  // Byte copies keep their original's time, as a backup does; the exports are a few days younger.
  for (const original of [first, second]) {
    const copy = path.join(backup, path.basename(original));
    fs.copyFileSync(original, copy);
    setFileTime(copy, fs.statSync(original).mtime);
  }
  const exports = [
    [second, path.join(shared, `IMG-${path.parse(second).name}-WA0001.jpg`)],
    [third, path.join(shared, path.basename(third))],
    [fourth, path.join(shared, `${path.parse(fourth).name} (edited).jpg`)],
    [fifth, path.join(backup, `${path.parse(fifth).name}.png`)],
  ];
  await sharp(second).resize({ width: 480 }).jpeg({ quality: 70 }).toFile(exports[0][1]);
  await sharp(third).jpeg({ quality: 55 }).toFile(exports[1][1]); // recompressed
  const meta = await sharp(fourth).metadata();
  const crop = { left: Math.round(meta.width * 0.04), top: Math.round(meta.height * 0.04) };
  await sharp(fourth)
    .extract({ ...crop, width: Math.round(meta.width * 0.92), height: Math.round(meta.height * 0.92) })
    .jpeg({ quality: 88 })
    .toFile(exports[2][1]);
  await sharp(fifth).png().toFile(exports[3][1]); // same pixels
  for (const [original, copy] of exports) setFileTime(copy, new Date(fs.statSync(original).mtimeMs + 3 * 86_400_000));
}

/** The months the sample photos were "taken" in: a few outings over the years, several photos each. */
const OUTINGS = [
  [2023, 7],
  [2022, 4],
  [2021, 9],
  [2019, 6],
  [2018, 11],
];

/**
 * When the photo at `index` was "taken": in one of the OUTINGS, on its own day and hour, the same on
 * every run so the screenshots only change when the app does.
 */
function takenAt(index) {
  const [year, month] = OUTINGS[index % OUTINGS.length];
  return new Date(Date.UTC(year, month, 2 + ((index * 5) % 20), 9 + (index % 8), (index * 13) % 60));
}

/** Sets the modification time of a copy in the temp folder (never of the sample data itself). */
function setFileTime(file, time) {
  if (!file.startsWith(work)) throw new Error(`screenshots: refusing to change the time of ${file}, outside ${work}`);
  fs.utimesSync(file, time, time);
}

/**
 * Waits until every picture in the window has loaded (complete, with pixels): lazy ones below the
 * fold do not count. Fails with the pictures still missing after `timeoutMs`, rather than shooting
 * spinners and empty frames.
 */
async function picturesLoaded(page, timeoutMs = 30_000) {
  const missing = () =>
    // Runs in the page: its globals come from globalThis (this file is linted as Node).
    page.evaluate(({ document, innerHeight, innerWidth } = globalThis) =>
      [...document.images]
        .filter((image) => {
          const box = image.getBoundingClientRect();
          return box.width > 0 && box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth;
        })
        .filter((image) => !(image.complete && image.naturalWidth > 0))
        .map((image) => image.currentSrc || image.src),
    );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await missing();
    if (left.length === 0) break;
    if (Date.now() > deadline)
      throw new Error(`screenshots: ${left.length} pictures still loading after ${timeoutMs} ms: ${left.slice(0, 3).join(', ')}`);
    await page.waitForTimeout(200);
  }
  // Decoded is not yet painted: one frame for the last ones to reach the screen.
  await page.evaluate(
    ({ requestAnimationFrame } = globalThis) => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );
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

/** A JPEG at quality 80: the photos keep their colours (a 128-colour palette banded them) within 300 KB. */
async function save(buffer, name) {
  const target = path.join(OUT, name);
  await sharp(buffer).resize({ width: 1200 }).jpeg({ quality: 80, mozjpeg: true }).toFile(target);
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
    await picturesLoaded(page);
    fs.mkdirSync(OUT, { recursive: true });
    await save(await page.screenshot(), 'library.jpg');

    await page.goto(new URL('/duplicates', url).href);
    await page.getByTestId('duplicate-group').first().waitFor();
    await picturesLoaded(page);
    await save(await page.screenshot(), 'duplicates.jpg');

    const focus = page.getByRole('button', { name: 'Focus mode' });
    if ((await focus.count()) > 0) await focus.first().click();
    else await page.getByTestId('duplicate-group').first().getByRole('button', { name: 'Compare', exact: true }).click();
    await page.locator('[data-testid="focus-copy"] img, [data-testid="compare-dialog"] img').first().waitFor();
    await picturesLoaded(page);
    await save(await page.screenshot(), 'focus.jpg');
  } finally {
    await browser.close();
    child.kill('SIGINT');
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
