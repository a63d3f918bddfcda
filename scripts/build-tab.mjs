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

/**
 * Domain modules the board reads only data from (verb names and labels, caps, "none given") but
 * that build zod schemas as they load: zod would add about 95 KB gzipped to the board. The board
 * gets their data instead, as this build evaluates it; its type check still reads the real modules,
 * and importing anything else from them (a function, a schema) fails this build.
 */
const dataOnly = ['src/domain/verbs.ts', 'src/domain/brief.ts', 'src/domain/briefSections.ts'].map((file) =>
  path.join(repoRoot, file),
);

/** Strings, numbers, booleans, and arrays and plain objects of them (functions inside are left out). */
function isData(value) {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  if (Array.isArray(value)) return value.every(isData);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every((inner) => typeof inner === 'function' || isData(inner));
}

/** A module's data exports, evaluated here (bundled for Node), as a module of constants. */
async function dataExportsOf(file) {
  const bundled = await build({ entryPoints: [file], bundle: true, platform: 'node', format: 'esm', write: false });
  const code = bundled.outputFiles[0].text;
  const module = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  return Object.entries(module)
    .filter(([, value]) => isData(value))
    .map(([name, value]) => `export const ${name} = ${JSON.stringify(value)};`)
    .join('\n');
}

const domainData = {
  name: 'domain-data',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]src[\\/]domain[\\/]\w+\.ts$/ }, async (args) =>
      dataOnly.includes(args.path) ? { contents: await dataExportsOf(args.path), loader: 'js' } : undefined,
    );
  },
};

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
  plugins: [domainData],
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
