// Builds the Escalation Board (src/tab) for the browser into dist/tab: the board and its
// configuration page as ES modules (the sign-in library and the charts load only when needed),
// with its HTML and CSS beside them. `npm run build` runs it after tsc.
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

/** The chunks an entry imports statically: fetched at once (modulepreload), not one after another. */
function staticChunks(entry) {
  const output = built.metafile.outputs[path.relative(repoRoot, path.join(out, entry)).split(path.sep).join('/')];
  return (output?.imports ?? []).filter((i) => i.kind === 'import-statement').map((i) => path.basename(i.path));
}
for (const [page, entry] of [
  ['index.html', 'board.js'],
  ['config.html', 'config.js'],
]) {
  const preloads = staticChunks(entry).map((chunk) => `    <link rel="modulepreload" href="${chunk}" />`);
  const html = readFileSync(path.join(source, page), 'utf8').replace(
    `<script type="module" src="${entry}"></script>`,
    [`<script type="module" src="${entry}"></script>`, ...preloads].join('\n').trimStart(),
  );
  writeFileSync(path.join(out, page), html);
}
