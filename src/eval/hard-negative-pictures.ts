/**
 * Generated hard negatives: pictures that share almost everything but are not the same picture.
 * Screenshots of different text, slides on one template, scanned pages, charts with different
 * values, single letters, and one UI layout in a light and a dark theme. Each is an SVG rendered by
 * sharp (librsvg, DejaVu fonts where installed, else the generic families); scanned pages also get
 * seeded paper noise and a slight skew. Everything is seeded: the same seed gives the same pixels on
 * one machine (fonts may differ between machines).
 *
 * Each template is a "group": its items differ only in text or values, which is what makes them
 * hard. The builder (hard-negatives.ts) splits groups, never items, between the halves.
 */
import sharp from 'sharp';
import { between, integerBetween, pick, seededRandom, type Random } from '../../test/fixtures/random';

export interface GeneratedItem {
  /** File-name safe id, unique in its category. */
  readonly id: string;
  readonly format: 'png' | 'jpg';
  readonly render: () => Promise<Buffer>;
}

export interface GeneratedGroup {
  readonly id: string;
  /** Templates of one kind (terminal, bar chart...): the builder deals them to both halves. */
  readonly stratum?: string;
  readonly items: readonly GeneratedItem[];
}

const SANS = "'DejaVu Sans', sans-serif";
const SERIF = "'DejaVu Serif', serif";
const MONO = "'DejaVu Sans Mono', monospace";

const WORDS = (
  'the of and to in is it you that was for on are with as they be at one have this from or had by hot word but what some ' +
  'we can out other were all there when up use your how said each she which do their time if will way about many then them ' +
  'write would like so these her long make thing see him two has look more day could go come did number sound no most people ' +
  'my over know water than call first who may down side been now find any new work part take get place made live where after ' +
  'back little only round man year came show every good me give our under name very through just form sentence great think ' +
  'say help low line differ turn cause much mean before move right boy old too same tell does set three want air well also ' +
  'play small end put home read hand port large spell add even land here must big high such follow act why ask men change ' +
  'went light kind off need house picture try again animal point mother world near build self earth father budget review ' +
  'quarter revenue customer release server network design market project team report status update meeting schedule'
).split(' ');

const COMMANDS = [
  'ls -la',
  'git status',
  'git log --oneline',
  'npm run build',
  'cat config.yml',
  'make test',
  'docker ps',
  'ssh deploy@web-2',
  'tail -f app.log',
  'grep -rn TODO src',
  'cd ../api',
  'python3 manage.py migrate',
  'du -sh *',
  'top -bn1 | head',
];

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function words(random: Random, min: number, max: number): string {
  return Array.from({ length: integerBetween(random, min, max) }, () => pick(random, WORDS)).join(' ');
}

function sentence(random: Random, min: number, max: number): string {
  const text = words(random, min, max);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** Lines of at most `chars` characters from running text. */
function wrap(text: string, chars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > chars) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

const hex = (random: Random, length: number): string =>
  Array.from({ length }, () => '0123456789abcdef'.charAt(integerBetween(random, 0, 15))).join('');

function text(x: number, y: number, content: string, attributes: string): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attributes} xml:space="preserve">${escapeXml(content)}</text>`;
}

function svg(width: number, height: number, body: string): Buffer {
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${body}</svg>`);
}

const png = (image: Buffer): Promise<Buffer> => sharp(image).flatten({ background: '#ffffff' }).png().toBuffer();

/** Many groups of `count` items: item `i` of group `g` is drawn by `draw(template, random)`. */
function groupsOf<T extends object>(
  prefix: string,
  templates: readonly T[],
  count: number,
  seed: number,
  draw: (template: T, random: Random, index: number) => Promise<Buffer>,
  format: 'png' | 'jpg' = 'png',
): GeneratedGroup[] {
  return templates.map((template, t) => ({
    id: `${prefix}${t + 1}`,
    ...('kind' in template && typeof template.kind === 'string' ? { stratum: template.kind } : {}),
    items: Array.from({ length: count }, (_, i) => ({
      id: `${prefix}${t + 1}-${i + 1}`,
      format,
      render: () => draw(template, seededRandom(seed + t * 1000 + i), i),
    })),
  }));
}

// ---------------------------------------------------------------- screenshots

type ScreenKind = 'terminal' | 'document' | 'code' | 'sheet' | 'chat';
interface ScreenTemplate {
  readonly kind: ScreenKind;
  readonly dark: boolean;
  readonly font: string;
  readonly size: number;
}

/** Two templates of each kind, so that each half gets one of each. */
const SCREEN_TEMPLATES: readonly ScreenTemplate[] = [
  { kind: 'terminal', dark: true, font: MONO, size: 13 },
  { kind: 'terminal', dark: false, font: MONO, size: 11 },
  { kind: 'document', dark: false, font: SANS, size: 13 },
  { kind: 'document', dark: false, font: SERIF, size: 16 },
  { kind: 'code', dark: true, font: MONO, size: 12 },
  { kind: 'code', dark: false, font: MONO, size: 10 },
  { kind: 'sheet', dark: false, font: SANS, size: 12 },
  { kind: 'sheet', dark: false, font: SANS, size: 10 },
  { kind: 'chat', dark: false, font: SANS, size: 13 },
  { kind: 'chat', dark: true, font: SANS, size: 12 },
];

function terminalLine(random: Random): string {
  switch (integerBetween(random, 0, 5)) {
    case 0:
      return `dev@build-01:~/project$ ${pick(random, COMMANDS)}`;
    case 1:
      return `[${integerBetween(random, 10, 23)}:${integerBetween(random, 10, 59)}:${integerBetween(random, 10, 59)}] ${pick(random, ['INFO ', 'WARN ', 'DEBUG', 'ERROR'])} ${words(random, 3, 7)} ${integerBetween(random, 1, 9999)} ms`;
    case 2:
      return `${hex(random, 7)} ${sentence(random, 3, 8)}`;
    case 3:
      return `-rw-r--r-- 1 dev dev ${String(integerBetween(random, 100, 99999)).padStart(6)} Mar ${integerBetween(random, 10, 28)} ${pick(random, WORDS)}.${pick(random, ['ts', 'json', 'md', 'log'])}`;
    default:
      return `  ${words(random, 2, 9)}`;
  }
}

function screenshot(template: ScreenTemplate, random: Random): Promise<Buffer> {
  const width = 640;
  const height = 400;
  const fg = template.dark ? '#d4d4d4' : '#222222';
  const bg = template.dark ? '#1e1e1e' : '#ffffff';
  const line = template.size * 1.4;
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="${bg}"/>`];
  const font = (size: number, colour: string, extra = ''): string =>
    `font-family="${template.font}" font-size="${size}" fill="${colour}" ${extra}`;
  switch (template.kind) {
    case 'terminal': {
      parts.push(`<rect width="${width}" height="24" fill="${template.dark ? '#3c3c3c' : '#e4e4e4'}"/>`);
      ['#ff5f56', '#ffbd2e', '#27c93f'].forEach((colour, i) => parts.push(`<circle cx="${14 + i * 18}" cy="12" r="6" fill="${colour}"/>`));
      parts.push(text(260, 16, 'dev@build-01: ~/project', font(11, template.dark ? '#bbbbbb' : '#444444')));
      for (let y = 24 + line; y < height - 4; y += line) {
        const content = terminalLine(random);
        const prompt = content.startsWith('dev@');
        parts.push(text(8, y, content, font(template.size, prompt ? (template.dark ? '#6a9955' : '#0a7a0a') : fg)));
      }
      break;
    }
    case 'document': {
      parts.push(`<rect width="${width}" height="44" fill="#f3f3f3"/><rect y="44" width="${width}" height="1" fill="#cccccc"/>`);
      for (let i = 0; i < 12; i++) parts.push(`<rect x="${10 + i * 30}" y="12" width="22" height="20" rx="3" fill="#dddddd"/>`);
      const chars = Math.floor(540 / (template.size * 0.56));
      parts.push(text(50, 80, sentence(random, 3, 6).slice(0, -1), font(template.size + 8, '#111111', 'font-weight="bold"')));
      let y = 80 + template.size * 2.2;
      while (y < height - 10) {
        for (const row of wrap(sentence(random, 15, 40), chars)) {
          if (y >= height - 10) break;
          parts.push(text(50, y, row, font(template.size, fg)));
          y += line;
        }
        y += line * 0.6;
      }
      break;
    }
    case 'code': {
      const keywords = ['const', 'let', 'return', 'if', 'for', 'function', 'await', 'export'];
      parts.push(`<rect width="44" height="${height}" fill="${template.dark ? '#252526' : '#f0f0f0'}"/>`);
      let indent = 0;
      for (let y = line, n = 1; y < height - 4; y += line, n++) {
        parts.push(text(36, y, String(n), font(template.size, '#858585', 'text-anchor="end"')));
        const keyword = pick(random, keywords);
        const name = `${pick(random, WORDS)}${pick(random, ['Count', 'List', 'Name', 'Value', ''])}`;
        const rest = `${name} = ${pick(random, WORDS)}(${pick(random, WORDS)}, ${integerBetween(random, 0, 999)});`;
        const x = 54 + indent * template.size * 1.2;
        parts.push(text(x, y, keyword, font(template.size, template.dark ? '#569cd6' : '#0000ff')));
        parts.push(
          text(x + (keyword.length + 1) * template.size * 0.6, y, rest, font(template.size, template.dark ? '#ce9178' : '#a31515')),
        );
        indent = Math.max(0, Math.min(4, indent + integerBetween(random, -1, 1)));
      }
      break;
    }
    case 'sheet': {
      const columns = 7;
      const cell = width / columns;
      const rowHeight = Math.round(template.size * 1.8);
      parts.push(`<rect width="${width}" height="${rowHeight}" fill="#eeeeee"/>`);
      for (let c = 0; c < columns; c++) {
        parts.push(`<rect x="${c * cell}" y="0" width="1" height="${height}" fill="#cccccc"/>`);
        parts.push(
          text(
            c * cell + cell / 2,
            rowHeight - 7,
            c === 0 ? '' : String.fromCharCode(64 + c),
            font(template.size, '#555555', 'text-anchor="middle"'),
          ),
        );
      }
      for (let r = 1; r * rowHeight < height; r++) {
        const y = r * rowHeight;
        parts.push(`<rect x="0" y="${y}" width="${width}" height="1" fill="#cccccc"/>`);
        parts.push(text(cell / 2, y + rowHeight - 7, String(r), font(template.size, '#555555', 'text-anchor="middle"')));
        parts.push(text(cell + 4, y + rowHeight - 7, pick(random, WORDS), font(template.size, fg)));
        for (let c = 2; c < columns; c++) {
          const value = (between(random, 0, 10_000) * (random() < 0.2 ? -1 : 1)).toFixed(2);
          parts.push(
            text(
              (c + 1) * cell - 4,
              y + rowHeight - 7,
              value,
              font(template.size, value.startsWith('-') ? '#c00000' : fg, 'text-anchor="end"'),
            ),
          );
        }
      }
      break;
    }
    case 'chat': {
      parts.push(`<rect width="${width}" height="48" fill="${template.dark ? '#202c33' : '#075e54'}"/>`);
      parts.push(text(60, 30, 'Family group', font(16, '#ffffff', 'font-weight="bold"')));
      parts.push(`<circle cx="30" cy="24" r="15" fill="#cccccc"/>`);
      let y = 62;
      while (y < height - 20) {
        const mine = random() < 0.5;
        const rows = wrap(sentence(random, 2, 16), 40);
        const bubbleHeight = rows.length * line + 12;
        const bubbleWidth = Math.max(...rows.map((row) => row.length)) * template.size * 0.58 + 20;
        const x = mine ? width - bubbleWidth - 12 : 12;
        const bubble = template.dark ? (mine ? '#005c4b' : '#202c33') : mine ? '#dcf8c6' : '#f0f0f0';
        parts.push(`<rect x="${x}" y="${y}" width="${bubbleWidth}" height="${bubbleHeight}" rx="8" fill="${bubble}"/>`);
        rows.forEach((row, i) => parts.push(text(x + 10, y + 6 + (i + 0.8) * line, row, font(template.size, fg))));
        y += bubbleHeight + 10;
      }
      break;
    }
  }
  return png(svg(width, height, parts.join('')));
}

/** 10 templates (terminal, document, code editor, spreadsheet, chat; two of each) of `count` screenshots each. */
export function screenshotGroups(count: number, seed: number): GeneratedGroup[] {
  return groupsOf('screen', SCREEN_TEMPLATES, count, seed, screenshot);
}

// ---------------------------------------------------------------- slides

interface SlideTemplate {
  readonly background: string;
  readonly bar: string;
  readonly accent: string;
  readonly ink: string;
  readonly font: string;
  readonly barHeight: number;
}

const SLIDE_TEMPLATES: readonly SlideTemplate[] = [
  { background: '#ffffff', bar: '#1f4e79', accent: '#f4b183', ink: '#222222', font: SANS, barHeight: 70 },
  { background: '#f7f7f2', bar: '#c00000', accent: '#7f7f7f', ink: '#333333', font: SERIF, barHeight: 56 },
  { background: '#10243e', bar: '#10243e', accent: '#00b0f0', ink: '#ffffff', font: SANS, barHeight: 64 },
  { background: '#ffffff', bar: '#70ad47', accent: '#70ad47', ink: '#262626', font: SANS, barHeight: 48 },
  { background: '#fff8e7', bar: '#7030a0', accent: '#ffc000', ink: '#3a3a3a', font: SERIF, barHeight: 80 },
  { background: '#eeeeee', bar: '#404040', accent: '#ff0000', ink: '#111111', font: MONO, barHeight: 60 },
];

function slide(template: SlideTemplate, random: Random, index: number): Promise<Buffer> {
  const width = 640;
  const height = 360;
  const font = (size: number, colour: string, extra = ''): string =>
    `font-family="${template.font}" font-size="${size}" fill="${colour}" ${extra}`;
  const parts = [
    `<rect width="${width}" height="${height}" fill="${template.background}"/>`,
    `<rect width="${width}" height="${template.barHeight}" fill="${template.bar}"/>`,
    `<rect y="${template.barHeight}" width="${width}" height="5" fill="${template.accent}"/>`,
    `<circle cx="${width - 36}" cy="${template.barHeight / 2}" r="${template.barHeight / 3}" fill="${template.accent}"/>`,
    text(24, template.barHeight / 2 + 9, sentence(random, 2, 5).slice(0, -1), font(24, '#ffffff', 'font-weight="bold"')),
    `<rect y="${height - 28}" width="${width}" height="1" fill="${template.accent}"/>`,
    text(24, height - 10, 'Northwind Ltd · quarterly review', font(11, template.ink)),
    text(width - 24, height - 10, String(index + 2), font(11, template.ink, 'text-anchor="end"')),
  ];
  let y = template.barHeight + 42;
  const bullets = integerBetween(random, 3, 5);
  for (let b = 0; b < bullets && y < height - 40; b++) {
    const rows = wrap(sentence(random, 4, 14), 46);
    parts.push(`<circle cx="36" cy="${y - 6}" r="4" fill="${template.accent}"/>`);
    for (const row of rows) {
      parts.push(text(50, y, row, font(18, template.ink)));
      y += 24;
    }
    y += 10;
  }
  return png(svg(width, height, parts.join('')));
}

/** 6 slide templates (colours, title bar, footer, logo) of `count` slides with different text each. */
export function slideGroups(count: number, seed: number): GeneratedGroup[] {
  return groupsOf('deck', SLIDE_TEMPLATES, count, seed, slide);
}

// ---------------------------------------------------------------- scanned pages

interface PageTemplate {
  readonly font: string;
  readonly size: number;
  readonly columns: 1 | 2;
  readonly figure: boolean;
  readonly header: string;
}

const PAGE_TEMPLATES: readonly PageTemplate[] = [
  { font: SERIF, size: 11, columns: 1, figure: false, header: 'CHAPTER THREE' },
  { font: SANS, size: 10, columns: 2, figure: false, header: 'Journal of Applied Things · Vol. 12' },
  { font: SERIF, size: 12, columns: 1, figure: true, header: 'Annual Report 2023' },
  { font: MONO, size: 10, columns: 1, figure: false, header: 'MEMORANDUM' },
  { font: SANS, size: 11, columns: 2, figure: true, header: 'Field Notes' },
  { font: SERIF, size: 9, columns: 2, figure: false, header: 'Minutes of the meeting' },
];

async function page(template: PageTemplate, random: Random, index: number): Promise<Buffer> {
  const width = 480;
  const height = 640;
  const paper = [integerBetween(random, 236, 250), integerBetween(random, 232, 246), integerBetween(random, 220, 236)];
  const margin = 44;
  const gap = 18;
  const columnWidth = (width - 2 * margin - (template.columns - 1) * gap) / template.columns;
  const chars = Math.floor(columnWidth / (template.size * (template.font === MONO ? 0.6 : 0.52)));
  const line = template.size * 1.45;
  const font = (size: number, extra = ''): string => `font-family="${template.font}" font-size="${size}" fill="#1a1a1a" ${extra}`;
  const parts = [
    `<rect width="${width}" height="${height}" fill="rgb(${paper.join(',')})"/>`,
    text(width / 2, 30, template.header, font(10, 'text-anchor="middle"')),
    `<rect x="${margin}" y="38" width="${width - 2 * margin}" height="0.8" fill="#1a1a1a"/>`,
    text(width / 2, height - 22, `— ${index + 17} —`, font(10, 'text-anchor="middle"')),
  ];
  for (let column = 0; column < template.columns; column++) {
    const x = margin + column * (columnWidth + gap);
    let y = 62;
    if (template.figure && column === 0) {
      parts.push(`<rect x="${x}" y="${y}" width="${columnWidth}" height="140" fill="none" stroke="#333333"/>`);
      parts.push(
        `<polyline points="${Array.from({ length: 8 }, (_, i) => `${(x + 10 + (i * (columnWidth - 20)) / 7).toFixed(0)},${(y + 130 - between(random, 0, 110)).toFixed(0)}`).join(' ')}" fill="none" stroke="#333333" stroke-width="1.5"/>`,
      );
      y += 140 + line * 1.5;
    }
    while (y < height - 50) {
      for (const row of wrap(sentence(random, 30, 70), chars)) {
        if (y >= height - 50) break;
        parts.push(text(x, y, row, font(template.size)));
        y += line;
      }
      y += line * 0.5;
    }
  }
  const rendered = await sharp(svg(width, height, parts.join('')))
    .flatten({ background: '#ffffff' })
    .rotate(between(random, -0.8, 0.8), { background: `rgb(${paper.join(',')})` })
    .resize(width, height, { fit: 'cover' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { data, info } = rendered;
  for (let i = 0; i < data.length; i += info.channels) {
    const grain = (random() + random() - 1) * 14;
    const speck = random() < 0.0008 ? -120 : 0;
    for (let c = 0; c < 3; c++) data[i + c] = Math.max(0, Math.min(255, Math.round((data[i + c] ?? 0) + grain + speck)));
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .blur(0.5)
    .jpeg({ quality: 85 })
    .toBuffer();
}

/** 6 page layouts of `count` scanned pages each (paper tint, grain, skew, different text). */
export function pageGroups(count: number, seed: number): GeneratedGroup[] {
  return groupsOf('layout', PAGE_TEMPLATES, count, seed, page, 'jpg');
}

// ---------------------------------------------------------------- charts

type ChartKind = 'bars' | 'hbars' | 'line' | 'lines' | 'stacked' | 'scatter';
interface ChartTemplate {
  readonly kind: ChartKind;
  readonly title: string;
  readonly colours: readonly string[];
}

/** Two templates of each kind (title, colours), so that each half gets one of each. */
const CHART_TEMPLATES: readonly ChartTemplate[] = [
  { kind: 'bars', title: 'Monthly sales (k€)', colours: ['#4472c4'] },
  { kind: 'bars', title: 'Rainfall (mm)', colours: ['#5b9bd5'] },
  { kind: 'hbars', title: 'Tickets per team', colours: ['#ed7d31'] },
  { kind: 'hbars', title: 'Open issues by owner', colours: ['#a5a5a5'] },
  { kind: 'line', title: 'Daily active users', colours: ['#2e75b6'] },
  { kind: 'line', title: 'Temperature (°C)', colours: ['#c00000'] },
  { kind: 'lines', title: 'Latency p50 / p95 / p99 (ms)', colours: ['#70ad47', '#ffc000', '#c00000'] },
  { kind: 'lines', title: 'Signups by channel', colours: ['#4472c4', '#ed7d31', '#a5a5a5'] },
  { kind: 'stacked', title: 'Revenue by region', colours: ['#5b9bd5', '#a5a5a5', '#ffc000'] },
  { kind: 'stacked', title: 'Energy mix (TWh)', colours: ['#264478', '#9e480e', '#636363'] },
  { kind: 'scatter', title: 'Price vs. size', colours: ['#7030a0'] },
  { kind: 'scatter', title: 'Height vs. weight', colours: ['#00b050'] },
];

function chart(template: ChartTemplate, random: Random): Promise<Buffer> {
  const width = 640;
  const height = 400;
  const left = 60;
  const top = 50;
  const right = 620;
  const bottom = 350;
  const font = (size: number, extra = ''): string => `font-family="${SANS}" font-size="${size}" fill="#404040" ${extra}`;
  const parts = [
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    text(width / 2, 30, template.title, font(16, 'text-anchor="middle" font-weight="bold"')),
  ];
  for (let i = 0; i <= 5; i++) {
    const y = bottom - (i * (bottom - top)) / 5;
    parts.push(`<rect x="${left}" y="${y.toFixed(1)}" width="${right - left}" height="1" fill="#d9d9d9"/>`);
    if (template.kind !== 'hbars') parts.push(text(left - 8, y + 4, String(i * 20), font(11, 'text-anchor="end"')));
  }
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const n = template.kind === 'scatter' ? 40 : template.kind === 'hbars' ? 8 : 12;
  const series = Array.from({ length: template.colours.length }, () => Array.from({ length: n }, () => between(random, 0.08, 0.95)));
  const step = (right - left) / n;
  const y = (value: number): number => bottom - value * (bottom - top);
  switch (template.kind) {
    case 'bars':
      series[0]?.forEach((value, i) =>
        parts.push(
          `<rect x="${(left + i * step + step * 0.15).toFixed(1)}" y="${y(value).toFixed(1)}" width="${(step * 0.7).toFixed(1)}" height="${(bottom - y(value)).toFixed(1)}" fill="${template.colours[0]}"/>`,
        ),
      );
      break;
    case 'hbars': {
      const barStep = (bottom - top) / n;
      series[0]?.forEach((value, i) => {
        parts.push(
          `<rect x="${left + 40}" y="${(top + i * barStep + barStep * 0.15).toFixed(1)}" width="${(value * (right - left - 40)).toFixed(1)}" height="${(barStep * 0.7).toFixed(1)}" fill="${template.colours[0]}"/>`,
        );
        parts.push(
          text(left + 34, top + i * barStep + barStep * 0.62, `Team ${String.fromCharCode(65 + i)}`, font(11, 'text-anchor="end"')),
        );
      });
      break;
    }
    case 'line':
    case 'lines':
      series.forEach((values, s) => {
        const sorted = template.kind === 'lines' ? values.map((value) => Math.min(0.97, value * 0.3 + s * 0.3)) : values;
        const points = sorted.map((value, i) => `${(left + (i + 0.5) * step).toFixed(1)},${y(value).toFixed(1)}`);
        parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${template.colours[s]}" stroke-width="3"/>`);
        for (const point of points)
          parts.push(`<circle cx="${point.split(',')[0]}" cy="${point.split(',')[1]}" r="4" fill="${template.colours[s]}"/>`);
      });
      break;
    case 'stacked':
      for (let i = 0; i < n; i++) {
        let base = 0;
        series.forEach((values, s) => {
          const value = (values[i] ?? 0) / series.length;
          parts.push(
            `<rect x="${(left + i * step + step * 0.15).toFixed(1)}" y="${y(base + value).toFixed(1)}" width="${(step * 0.7).toFixed(1)}" height="${(value * (bottom - top)).toFixed(1)}" fill="${template.colours[s]}"/>`,
          );
          base += value;
        });
      }
      break;
    case 'scatter':
      series[0]?.forEach((value) =>
        parts.push(
          `<circle cx="${between(random, left + 10, right - 10).toFixed(1)}" cy="${y(value).toFixed(1)}" r="6" fill="${template.colours[0]}" opacity="0.7"/>`,
        ),
      );
      break;
  }
  if (template.kind !== 'hbars' && template.kind !== 'scatter') {
    for (let i = 0; i < n; i++) parts.push(text(left + (i + 0.5) * step, bottom + 18, months[i] ?? '', font(11, 'text-anchor="middle"')));
  }
  parts.push(`<rect x="${left}" y="${bottom}" width="${right - left}" height="1.5" fill="#404040"/>`);
  return png(svg(width, height, parts.join('')));
}

/** 12 chart templates (bars, horizontal bars, line, three lines, stacked bars, scatter; two of each) of `count` charts with different values. */
export function chartGroups(count: number, seed: number): GeneratedGroup[] {
  return groupsOf('chart', CHART_TEMPLATES, count, seed, chart);
}

// ---------------------------------------------------------------- glyphs

const GLYPH_FONTS: readonly { readonly id: string; readonly family: string; readonly weight: string }[] = [
  { id: 'sans', family: SANS, weight: 'normal' },
  { id: 'serif', family: SERIF, weight: 'normal' },
  { id: 'mono-bold', family: MONO, weight: 'bold' },
];

/** One group per letter A–Z, each drawn black on white in three fonts (320 × 320 PNG). */
export function glyphGroups(): GeneratedGroup[] {
  return Array.from({ length: 26 }, (_, i) => {
    const letter = String.fromCharCode(65 + i);
    return {
      id: `letter-${letter}`,
      items: GLYPH_FONTS.map((glyphFont) => ({
        id: `${letter}-${glyphFont.id}`,
        format: 'png' as const,
        render: () =>
          png(
            svg(
              320,
              320,
              `<rect width="320" height="320" fill="#ffffff"/>` +
                text(
                  160,
                  245,
                  letter,
                  `font-family="${glyphFont.family}" font-weight="${glyphFont.weight}" font-size="240" fill="#000000" text-anchor="middle"`,
                ),
            ),
          ),
      })),
    };
  });
}

// ---------------------------------------------------------------- light and dark themes

const LIGHT = { background: '#ffffff', panel: '#f3f4f6', ink: '#1f2937', muted: '#6b7280', line: '#e5e7eb', accent: '#2563eb' };
const DARK = { background: '#111827', panel: '#1f2937', ink: '#f9fafb', muted: '#9ca3af', line: '#374151', accent: '#60a5fa' };

/** A UI layout drawn from `seed` in one palette: the same seed draws the same layout in both themes. */
function themed(seed: number, palette: typeof LIGHT): Promise<Buffer> {
  const random = seededRandom(seed);
  const width = 640;
  const height = 400;
  const header = integerBetween(random, 40, 64);
  const sidebar = random() < 0.7 ? integerBetween(random, 120, 200) : 0;
  const font = (size: number, colour: string, extra = ''): string => `font-family="${SANS}" font-size="${size}" fill="${colour}" ${extra}`;
  const parts = [
    `<rect width="${width}" height="${height}" fill="${palette.background}"/>`,
    `<rect width="${width}" height="${header}" fill="${palette.panel}"/>`,
    `<rect y="${header}" width="${width}" height="1" fill="${palette.line}"/>`,
    text(16, header / 2 + 6, sentence(random, 1, 3).slice(0, -1), font(17, palette.ink, 'font-weight="bold"')),
    `<rect x="${width - 120}" y="${header / 2 - 14}" width="100" height="28" rx="6" fill="${palette.accent}"/>`,
  ];
  if (sidebar > 0) {
    parts.push(`<rect y="${header + 1}" width="${sidebar}" height="${height - header}" fill="${palette.panel}"/>`);
    const selected = integerBetween(random, 0, 6);
    for (let i = 0; i < 8; i++) {
      const y = header + 30 + i * 34;
      if (i === selected)
        parts.push(`<rect x="6" y="${y - 20}" width="${sidebar - 12}" height="30" rx="5" fill="${palette.accent}" opacity="0.25"/>`);
      parts.push(`<rect x="14" y="${y - 12}" width="14" height="14" rx="3" fill="${palette.muted}"/>`);
      parts.push(text(36, y, pick(random, WORDS), font(13, palette.ink)));
    }
  }
  const x0 = sidebar + 20;
  if (random() < 0.5) {
    const columns = integerBetween(random, 2, 3);
    const cardWidth = (width - x0 - 20 - (columns - 1) * 14) / columns;
    for (let r = 0; r < 2; r++) {
      for (let c = 0; c < columns; c++) {
        const x = x0 + c * (cardWidth + 14);
        const y = header + 20 + r * 160;
        parts.push(`<rect x="${x}" y="${y}" width="${cardWidth}" height="146" rx="8" fill="${palette.panel}" stroke="${palette.line}"/>`);
        parts.push(
          `<rect x="${x + 12}" y="${y + 12}" width="${cardWidth - 24}" height="64" rx="4" fill="${palette.accent}" opacity="${between(random, 0.2, 0.7).toFixed(2)}"/>`,
        );
        parts.push(text(x + 12, y + 100, words(random, 1, 3), font(14, palette.ink, 'font-weight="bold"')));
        parts.push(text(x + 12, y + 124, words(random, 2, 4), font(12, palette.muted)));
      }
    }
  } else {
    for (let y = header + 36; y < height - 10; y += 40) {
      parts.push(`<circle cx="${x0 + 14}" cy="${y - 5}" r="13" fill="${palette.accent}" opacity="0.5"/>`);
      parts.push(text(x0 + 38, y - 4, words(random, 2, 5), font(14, palette.ink)));
      parts.push(text(x0 + 38, y + 12, words(random, 3, 7), font(11, palette.muted)));
      parts.push(text(width - 20, y, `${integerBetween(random, 1, 59)} min`, font(11, palette.muted, 'text-anchor="end"')));
      parts.push(`<rect x="${x0}" y="${y + 20}" width="${width - x0 - 10}" height="1" fill="${palette.line}"/>`);
    }
  }
  return png(svg(width, height, parts.join('')));
}

/** `count` UI layouts, each a group of two items: the light and the dark rendition. */
export function themeGroups(count: number, seed: number): GeneratedGroup[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `ui${i + 1}`,
    items: (['light', 'dark'] as const).map((theme) => ({
      id: `ui${i + 1}-${theme}`,
      format: 'png' as const,
      render: () => themed(seed + i, theme === 'light' ? LIGHT : DARK),
    })),
  }));
}

// ---------------------------------------------------------------- caption box

/** The same white caption box, composited on every low-contrast photo of the `captioned` category. */
export function captionBox(width: number, height: number): Buffer {
  const boxWidth = Math.round(width * 0.72);
  const boxHeight = Math.round(height * 0.26);
  const x = Math.round((width - boxWidth) / 2);
  const y = Math.round(height * 0.6);
  // The caption line is 30 characters: about 17 font sizes wide in bold sans.
  const size = Math.round(Math.min(boxHeight * 0.24, boxWidth / 18));
  return svg(
    width,
    height,
    `<rect x="${x}" y="${y}" width="${boxWidth}" height="${boxHeight}" rx="${Math.round(size / 2)}" fill="#ffffff"/>` +
      text(
        width / 2,
        y + boxHeight * 0.42,
        'Happy holidays from all of us!',
        `font-family="${SANS}" font-size="${size}" fill="#202020" text-anchor="middle" font-weight="bold"`,
      ) +
      text(
        width / 2,
        y + boxHeight * 0.78,
        'December 2024',
        `font-family="${SANS}" font-size="${Math.round(size * 0.7)}" fill="#606060" text-anchor="middle"`,
      ),
  );
}
