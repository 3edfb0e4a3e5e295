/**
 * Headless Chromium (Debian's `chromium`) for layout checks: a screenshot decoded to pixels, and
 * the page's own measurement of its width (a copy of the page with a measuring script, printed
 * by --dump-dom). No network: every request goes to a closed proxy port.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';

export function findChromium(): string | undefined {
  return ['chromium', 'chromium-browser', 'google-chrome'].find((b) => spawnSync('which', [b]).status === 0);
}

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--hide-scrollbars', '--proxy-server=127.0.0.1:9', '--disable-extensions'];

export function screenshot(browser: string, htmlFile: string, width: number, height: number): { png: string; status: number | null; stderr: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'crm-shot-'));
  const png = path.join(dir, 'page.png');
  const r = spawnSync(browser, [...FLAGS, `--user-data-dir=${dir}/profile`, `--window-size=${width},${height}`, `--screenshot=${png}`, `file://${htmlFile}`], { timeout: 120_000 });
  return { png, status: r.status, stderr: String(r.stderr) };
}

export interface Pixels {
  width: number;
  height: number;
  /** RGB(A) per pixel, row by row. */
  data: Buffer;
  channels: number;
}

/** A PNG (8-bit RGB or RGBA, as Chromium writes them) decoded to pixels. */
export function decodePng(buf: Buffer): Pixels {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const body = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const depth = body[8];
      const colour = body[9];
      if (depth !== 8 || (colour !== 2 && colour !== 6) || body[12] !== 0) throw new Error(`PNG kind not handled: depth ${depth}, colour ${colour}, interlace ${body[12]}`);
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const data = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? data[y * stride + x - channels]! : 0;
      const b = y > 0 ? data[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? data[(y - 1) * stride + x - channels]! : 0;
      let v = line[x]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      data[y * stride + x] = v & 0xff;
    }
  }
  return { width, height, data, channels };
}

/** How many distinct colours, and the share of pixels that are not the most common colour (the background). */
export function inkStats(p: Pixels): { colours: number; ink: number } {
  const counts = new Map<number, number>();
  for (let i = 0; i < p.data.length; i += p.channels) {
    const k = (p.data[i]! << 16) | (p.data[i + 1]! << 8) | p.data[i + 2]!;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const total = p.width * p.height;
  const top = Math.max(...counts.values());
  return { colours: counts.size, ink: 1 - top / total };
}

export interface Layout {
  innerWidth: number;
  scrollWidth: number;
  /** Elements reaching past the window's right edge (tag.class and how far). */
  overflowing: string[];
  /** Tables wider than the box that holds them (content cut or scrolled). */
  clippedTables: string[];
}

/**
 * The page measured by itself at this window width: a copy with a script that writes what it
 * finds into the DOM, read back with --dump-dom.
 */
export function measureLayout(browser: string, htmlFile: string, width: number, height: number): Layout {
  const dir = mkdtempSync(path.join(tmpdir(), 'crm-layout-'));
  const copy = path.join(dir, 'measure.html');
  copyFileSync(htmlFile, copy);
  const script = `<script>
addEventListener('load', () => {
  const W = window.innerWidth;
  const over = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > W + 1) over.push(el.tagName.toLowerCase() + '.' + (el.className.baseVal ?? el.className) + ' +' + Math.round(r.right - W));
  }
  const clipped = [];
  for (const t of document.querySelectorAll('table')) {
    const box = t.parentElement;
    if (t.scrollWidth > t.clientWidth + 1 || t.getBoundingClientRect().width > box.clientWidth + 1) clipped.push((t.querySelector('caption')?.textContent ?? 'table') + ' ' + t.scrollWidth + '>' + box.clientWidth);
  }
  const out = document.createElement('pre');
  out.id = 'layout-result';
  out.textContent = JSON.stringify({ innerWidth: W, scrollWidth: document.documentElement.scrollWidth, overflowing: over.slice(0, 20), clippedTables: clipped });
  document.body.appendChild(out);
});
</script>`;
  writeFileSync(copy, readFileSync(copy, 'utf8').replace('</body>', `${script}</body>`));
  const r = spawnSync(browser, [...FLAGS, `--user-data-dir=${dir}/profile`, `--window-size=${width},${height}`, '--virtual-time-budget=5000', '--dump-dom', `file://${copy}`], {
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const m = /<pre id="layout-result">([^<]*)<\/pre>/.exec(String(r.stdout));
  if (!m) throw new Error(`no measurement from ${browser} (exit ${r.status}): ${String(r.stderr).slice(-500)}`);
  return JSON.parse(m[1]!.replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&')) as Layout;
}
