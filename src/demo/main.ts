/**
 * `npm run demo`: the main job on a built-in sample. Builds a small photo folder (the Debian darknet
 * photos when present, else generated scenes) with the kinds of copies Doppel finds — a byte copy, a
 * PNG export, a re-compressed half-size copy, a brightened copy, a rotated copy — then indexes it and
 * prints the duplicate groups and the photos similar to one of them. Everything stays under
 * `.cache/demo/` in the repository.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { formatDuplicates, formatIndexReport, formatSimilar } from '../cli/format';
import { Doppel } from '../core/doppel';

const DARKNET = '/usr/share/darknet/data';
const root = path.resolve('.cache', 'demo');
const photos = path.join(root, 'photos');
const library = path.join(root, 'library');

async function samplePhotos(): Promise<string[]> {
  fs.mkdirSync(path.join(photos, 'Originals'), { recursive: true });
  const sources = fs.existsSync(DARKNET)
    ? fs
        .readdirSync(DARKNET)
        .filter((f) => f.endsWith('.jpg'))
        .sort()
    : [];
  const originals: string[] = [];
  for (const name of sources) {
    const target = path.join(photos, 'Originals', name);
    fs.copyFileSync(path.join(DARKNET, name), target);
    originals.push(target);
  }
  for (let seed = originals.length; originals.length < 4; seed++) {
    const target = path.join(photos, 'Originals', `scene-${seed}.jpg`);
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="800" height="600" fill="hsl(${seed * 67},60%,55%)"/>` +
      `<circle cx="${200 + seed * 90}" cy="300" r="160" fill="hsl(${seed * 131},70%,40%)"/><rect x="80" y="${60 + seed * 40}" width="500" height="120" fill="#fff8"/></svg>`;
    await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toFile(target);
    originals.push(target);
  }
  return originals;
}

async function main(): Promise<void> {
  fs.rmSync(root, { recursive: true, force: true });
  const originals = await samplePhotos();
  const [first, second, third, fourth] = originals as [string, string, string, string];
  const copies = path.join(photos, 'Copies of copies');
  fs.mkdirSync(copies, { recursive: true });
  fs.copyFileSync(first, path.join(copies, `${path.parse(first).name} (1).jpg`)); // exact
  await sharp(second)
    .rotate()
    .png()
    .toFile(path.join(copies, `${path.parse(second).name} export.png`)); // pixel-identical
  await sharp(third)
    .resize({ width: 320 })
    .jpeg({ quality: 45 })
    .toFile(path.join(copies, `${path.parse(third).name} small.jpg`)); // near
  await sharp(fourth)
    .modulate({ brightness: 1.2 })
    .jpeg({ quality: 80 })
    .toFile(path.join(copies, `${path.parse(fourth).name} edited.jpg`)); // near
  await sharp(third)
    .rotate(90)
    .jpeg({ quality: 85 })
    .toFile(path.join(copies, `${path.parse(third).name} rotated.jpg`)); // near, rotated
  fs.writeFileSync(path.join(copies, 'broken.jpg'), 'not a photo'); // reported, not fatal

  console.log(`Sample folder: ${photos}\nLibrary: ${library}\n`);
  const doppel = await Doppel.open({ libraryDir: library });
  try {
    console.log(formatIndexReport(await doppel.index([photos])));
    console.log(`\n${formatDuplicates(await doppel.duplicates({ kind: 'all' }))}`);
    if (doppel.stats().model) console.log(`\nSimilar photos:\n${formatSimilar(await doppel.similar([third], { limit: 4 }))}`);
    else console.log(`\nSimilarity search is off: ${doppel.stats().modelError}`);
  } finally {
    await doppel.close();
  }
}

await main();
