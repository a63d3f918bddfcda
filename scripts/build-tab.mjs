// Builds the Escalation Board (src/tab) for the browser into dist/tab: the board and its
// configuration page as ES modules (the sign-in library and the charts load only when needed),
// with its pages and CSS beside them. `npm run build` runs it after tsc.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(repoRoot, 'src/tab');
const out = path.join(repoRoot, 'dist/tab');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const built = await build({
  metafile: true,
  entryPoints: { board: path.join(source, 'main.ts'), config: path.join(source, 'config.ts') },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: 'linked',
  chunkNames: 'chunk-[hash]',
  legalComments: 'external',
  logLevel: 'warning',
});
for (const file of readdirSync(source)) {
  if (/\.(css|svg)$/.test(file)) copyFileSync(path.join(source, file), path.join(out, file));
}

const outputs = built.metafile.outputs;
const outputOf = (file) => path.relative(repoRoot, path.join(out, file)).split(path.sep).join('/');
/** The chunks an output imports statically, and theirs: what it cannot run without. */
function staticChunks(output, seen = new Set()) {
  for (const i of outputs[output]?.imports ?? []) {
    if (i.kind !== 'import-statement' || seen.has(i.path)) continue;
    seen.add(i.path);
    staticChunks(i.path, seen);
  }
  return seen;
}
/** Loaded by every board, though imported on the way (main.ts): fetched at once all the same. */
const alwaysLoaded = new Set(['src/tab/board.ts', 'src/tab/components.ts']);
/** What a page fetches at once (modulepreload): its entry's chunks and those it always loads. */
function preloadsOf(entry) {
  const chunks = staticChunks(outputOf(entry));
  for (const [output, meta] of Object.entries(outputs)) {
    if (meta.entryPoint && alwaysLoaded.has(meta.entryPoint) && entry === 'board.js') {
      chunks.add(output);
      staticChunks(output, chunks);
    }
  }
  return [...chunks].map((chunk) => path.basename(chunk));
}
/**
 * A page of the board: the head every page shares (its styles, no favicon request), the page's
 * title and script, and the chunks it fetches at once; then the page's body, as its source has it.
 */
function page(source, entry) {
  const [, title, body] = /<title>(.*)<\/title>\s*(<body>[\s\S]*)$/.exec(readFileSync(source, 'utf8')) ?? [];
  if (!body) throw new Error(`${source}: a page is its <title> then its <body>`);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '  <head>',
    '    <meta charset="utf-8" />',
    '    <meta name="viewport" content="width=device-width, initial-scale=1" />',
    `    <title>${title}</title>`,
    '    <link rel="icon" href="data:," />',
    '    <link rel="stylesheet" href="board.css" />',
    `    <script type="module" src="${entry}"></script>`,
    ...preloadsOf(entry).map((chunk) => `    <link rel="modulepreload" href="${chunk}" />`),
    '  </head>',
    `  ${body.trim().replace(/\n/g, '\n  ')}`,
    '</html>',
    '',
  ].join('\n');
}
for (const [name, entry] of [
  ['index.html', 'board.js'],
  ['config.html', 'config.js'],
]) {
  writeFileSync(path.join(out, name), page(path.join(source, name), entry));
}
