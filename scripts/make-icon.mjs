// Draws the extension's icon, media/icon.png (128×128 RGBA): a ball (a volley) crossing a rising
// throughput line, on a rounded square. Pure geometry, 4×4 supersampled, encoded as PNG with node:zlib:
// no image library and nothing downloaded. Run `npm run gen:icon` after changing it; the PNG is committed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SAMPLES = 4;
const OUT = new URL('../media/icon.png', import.meta.url);

const BACKGROUND_TOP = [0x1e, 0x3a, 0x8a];
const BACKGROUND_BOTTOM = [0x25, 0x63, 0xeb];
const BALL = [0xff, 0xff, 0xff];
const SEAM = [0x1e, 0x40, 0xaf];
const LINE = [0xfb, 0xbf, 0x24];

const ball = { x: 70, y: 56, r: 34 };
// The throughput line: a polyline of points rising to the right, drawn under the ball.
const line = [
  [14, 108],
  [38, 92],
  [56, 98],
  [82, 72],
  [114, 40],
];

function insideRoundedSquare(x, y) {
  const radius = 26;
  const cx = Math.min(Math.max(x, radius), SIZE - radius);
  const cy = Math.min(Math.max(y, radius), SIZE - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** The colour at one sample point, or undefined outside the icon (transparent). */
function colourAt(x, y) {
  if (!insideRoundedSquare(x, y)) return undefined;
  const dBall = Math.hypot(x - ball.x, y - ball.y);
  if (dBall <= ball.r) {
    // Three seams, 120° apart: arcs of circles centred outside the ball that pass near its centre.
    const seams = [-135, -15, 105].map((degrees) => {
      const a = (degrees * Math.PI) / 180;
      return { x: ball.x + ball.r * 1.45 * Math.cos(a), y: ball.y + ball.r * 1.45 * Math.sin(a), r: ball.r * 1.22 };
    });
    const onSeam = seams.some((s) => Math.abs(Math.hypot(x - s.x, y - s.y) - s.r) <= 2.4);
    if (dBall >= ball.r - 3) return SEAM;
    return onSeam ? SEAM : BALL;
  }
  for (let i = 1; i < line.length; i++) if (distanceToSegment(x, y, line[i - 1], line[i]) <= 4.5) return LINE;
  const t = y / SIZE;
  return BACKGROUND_TOP.map((top, c) => Math.round(top + (BACKGROUND_BOTTOM[c] - top) * t));
}

const pixels = Buffer.alloc(SIZE * SIZE * 4);
for (let py = 0; py < SIZE; py++) {
  for (let px = 0; px < SIZE; px++) {
    const sum = [0, 0, 0, 0];
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const colour = colourAt(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
        if (!colour) continue;
        // Premultiplied, so edges against transparency do not darken.
        for (let c = 0; c < 3; c++) sum[c] += colour[c];
        sum[3] += 1;
      }
    }
    const at = (py * SIZE + px) * 4;
    const alpha = sum[3] / (SAMPLES * SAMPLES);
    for (let c = 0; c < 3; c++) pixels[at + c] = sum[3] === 0 ? 0 : Math.round(sum[c] / sum[3]);
    pixels[at + 3] = Math.round(alpha * 255);
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bits per channel
header[9] = 6; // RGBA
// Each row starts with its filter type (0: none).
const rows = Buffer.concat(Array.from({ length: SIZE }, (_, y) => Buffer.concat([Buffer.from([0]), pixels.subarray(y * SIZE * 4, (y + 1) * SIZE * 4)])));
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(rows, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(OUT, png);
console.log(`wrote ${OUT.pathname} (${SIZE}×${SIZE}, ${png.length} bytes)`);
