// Draws the two Teams app icons into appPackage/ (node scripts/make-icons.mjs).
// The PNGs are committed; run this again only to change the design.
//   color.png   192x192, a white upward arrow on an orange rounded square
//   outline.png  32x32, the same arrow, white on transparent (Teams tints it)
// No image library: shapes are signed distance functions, supersampled for
// smooth edges, written as 8-bit RGBA PNGs with node's zlib.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const appPackageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'appPackage');

// Keep in step with accentColor in appPackage/manifest.json.
const accent = { top: [0xea, 0x58, 0x0c], bottom: [0xc2, 0x41, 0x0c] };

// The arrow in a unit box: a shaft and two arms with round caps, filling the box
// top to bottom so the outline icon has no padding (as Teams asks).
const strokeWidth = 0.16;
const apex = [0.5, 0.1];
const arrowStrokes = [
  [apex, [0.5, 0.9]],
  [apex, [0.2, 0.4]],
  [apex, [0.8, 0.4]],
];

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function insideArrow(u, v) {
  return arrowStrokes.some(([a, b]) => distanceToSegment(u, v, a, b) <= strokeWidth / 2);
}

function insideRoundedSquare(x, y, size, radius) {
  const qx = Math.max(Math.abs(x - size / 2) - (size / 2 - radius), 0);
  const qy = Math.max(Math.abs(y - size / 2) - (size / 2 - radius), 0);
  return Math.hypot(qx, qy) <= radius;
}

/** Fraction of the pixel at (x, y) inside `inside`, from samples x samples points. */
function coverage(x, y, samples, inside) {
  let hits = 0;
  for (let i = 0; i < samples; i++) {
    for (let j = 0; j < samples; j++) {
      if (inside(x + (i + 0.5) / samples, y + (j + 0.5) / samples)) hits++;
    }
  }
  return hits / (samples * samples);
}

function drawColorIcon() {
  const size = 192;
  const radius = 40;
  const arrowBox = { left: 46, top: 46, size: 100 }; // about the 96px symbol area Teams suggests
  const rgba = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    const t = y / (size - 1);
    const background = accent.top.map((top, k) => top + (accent.bottom[k] - top) * t);
    for (let x = 0; x < size; x++) {
      const square = coverage(x, y, 4, (sx, sy) => insideRoundedSquare(sx, sy, size, radius));
      const arrow = coverage(x, y, 4, (sx, sy) =>
        insideArrow((sx - arrowBox.left) / arrowBox.size, (sy - arrowBox.top) / arrowBox.size),
      );
      const offset = (y * size + x) * 4;
      for (let k = 0; k < 3; k++) rgba[offset + k] = Math.round(background[k] + (255 - background[k]) * arrow);
      rgba[offset + 3] = Math.round(255 * square);
    }
  }
  return encodePng(size, size, rgba);
}

function drawOutlineIcon() {
  const size = 32;
  const rgba = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const offset = (y * size + x) * 4;
      // Every pixel is white; only its opacity carries the shape.
      rgba.fill(255, offset, offset + 3);
      rgba[offset + 3] = Math.round(255 * coverage(x, y, 8, (sx, sy) => insideArrow(sx / size, sy / size)));
    }
  }
  return encodePng(size, size, rgba);
}

function pngChunk(type, data) {
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // RGBA
  // compression, filter method, interlace: all 0
  const rows = [];
  for (let y = 0; y < height; y++) {
    rows.push(Buffer.from([0]), rgba.subarray(y * width * 4, (y + 1) * width * 4)); // filter: none
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(Buffer.concat(rows), { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

for (const [name, png] of [
  ['color.png', drawColorIcon()],
  ['outline.png', drawOutlineIcon()],
]) {
  const file = path.join(appPackageDir, name);
  writeFileSync(file, png);
  console.log(`${path.relative(process.cwd(), file) || file} (${png.length} bytes)`);
}
