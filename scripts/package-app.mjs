// Builds the Teams app package: appPackage/manifest.json with its ${{NAME}}
// placeholders filled from env/.env.<env> (then env/.env.<env>.user), zipped with
// the icons it names into appPackage/build/appPackage.<env>.zip.
//
//   node scripts/package-app.mjs [env] [--out DIR] [--env-dir DIR]
//   npm run package -- dev
//
// env: the argument, else TEAMSFX_ENV, else "local". Only the env files are read,
// not the shell's environment, so a BOT_ID exported for running the bot cannot slip
// into another environment's package. As in the Toolkit's files, `NAME=` (nothing
// after the =) is unset and stops packaging; `NAME=""` is deliberately empty.
// The zip is made by fflate with a fixed timestamp, so the same inputs give the same bytes.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const appPackageDir = path.join(repoRoot, 'appPackage');
const placeholder = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

class PackagingError extends Error {}

function parseArguments(argv) {
  const options = { envName: undefined, outDir: path.join(appPackageDir, 'build'), envDir: path.join(repoRoot, 'env') };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--out' || argument === '--env-dir') {
      const value = argv[++i];
      if (!value) throw new PackagingError(`${argument} needs a directory after it`);
      options[argument === '--out' ? 'outDir' : 'envDir'] = path.resolve(value);
    } else if (argument.startsWith('-')) {
      throw new PackagingError(`unknown option ${argument}; usage: package-app.mjs [env] [--out DIR] [--env-dir DIR]`);
    } else if (options.envName === undefined) {
      options.envName = argument;
    } else {
      throw new PackagingError(`one environment at a time, got "${options.envName}" and "${argument}"`);
    }
  }
  options.envName ??= process.env.TEAMSFX_ENV || 'local';
  if (!/^[A-Za-z0-9_-]+$/.test(options.envName)) {
    throw new PackagingError(`"${options.envName}" is not an environment name (letters, digits, - and _)`);
  }
  return options;
}

/** KEY=VALUE lines; # comments; optional quotes. `KEY=` is left out (unset). */
function parseEnvFile(text) {
  const values = new Map();
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, name, rawValue] = match;
    const quoted = /^(["'])(.*)\1\s*(?:#.*)?$/.exec(rawValue);
    if (quoted) {
      values.set(name, quoted[1] === '"' ? quoted[2].replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1') : quoted[2]);
    } else {
      const value = rawValue.replace(/\s+#.*$/, '').trim();
      if (value !== '') values.set(name, value);
    }
  }
  return values;
}

function environmentValues(envDir, envName) {
  const envFile = path.join(envDir, `.env.${envName}`);
  if (!existsSync(envFile)) {
    const known = existsSync(envDir)
      ? readdirSync(envDir)
          .filter((file) => /^\.env\.[A-Za-z0-9_-]+$/.test(file))
          .map((file) => file.slice('.env.'.length))
      : [];
    throw new PackagingError(`${displayPath(envFile)} not found (environments: ${known.join(', ') || 'none'})`);
  }
  const values = parseEnvFile(readFileSync(envFile, 'utf8'));
  const userFile = `${envFile}.user`;
  if (existsSync(userFile))
    for (const [name, value] of parseEnvFile(readFileSync(userFile, 'utf8'))) values.set(name, value);
  return { values, envFile };
}

/** Fills every ${{NAME}}; the values are escaped for the JSON strings they land in. */
function substitutePlaceholders(template, values, envFile) {
  const missing = [...new Set([...template.matchAll(placeholder)].map((m) => m[1]))].filter(
    (name) => !values.has(name),
  );
  if (missing.length > 0) {
    const names = missing.join(', ');
    throw new PackagingError(
      `${names} ${missing.length === 1 ? 'is' : 'are'} not set in ${displayPath(envFile)} (appPackage/manifest.json needs ${missing.length === 1 ? 'it' : 'them'})`,
    );
  }
  return template.replace(placeholder, (_, name) => JSON.stringify(values.get(name)).slice(1, -1));
}

/**
 * A zip of files at its root (fflate), the same bytes for the same files: every entry dated
 * 1980-01-01 00:00, the earliest a zip can say. entries: [{name, data}]
 */
function zip(entries) {
  const mtime = new Date(1980, 0, 1, 0, 0, 0);
  return Buffer.from(
    zipSync(Object.fromEntries(entries.map(({ name, data }) => [name, [new Uint8Array(data), { mtime }]])), {
      level: 9,
    }),
  );
}

function displayPath(file) {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

function packageApp(options) {
  const { values, envFile } = environmentValues(options.envDir, options.envName);
  const manifestText = substitutePlaceholders(
    readFileSync(path.join(appPackageDir, 'manifest.json'), 'utf8'),
    values,
    envFile,
  );
  let manifest;
  try {
    manifest = JSON.parse(manifestText);
  } catch (error) {
    throw new PackagingError(`appPackage/manifest.json is not valid JSON after substitution: ${error.message}`);
  }
  const iconNames = [manifest.icons?.color, manifest.icons?.outline];
  for (const icon of iconNames) {
    if (typeof icon !== 'string' || icon.includes('/') || !existsSync(path.join(appPackageDir, icon))) {
      throw new PackagingError(`icon "${icon}" named in appPackage/manifest.json is not a file in appPackage/`);
    }
  }
  const archive = zip([
    { name: 'manifest.json', data: Buffer.from(manifestText, 'utf8') },
    ...iconNames.map((icon) => ({ name: icon, data: readFileSync(path.join(appPackageDir, icon)) })),
  ]);
  mkdirSync(options.outDir, { recursive: true });
  const zipFile = path.join(options.outDir, `appPackage.${options.envName}.zip`);
  writeFileSync(zipFile, archive);
  return zipFile;
}

try {
  console.log(displayPath(packageApp(parseArguments(process.argv.slice(2)))));
} catch (error) {
  if (!(error instanceof PackagingError)) throw error;
  console.error(`package-app: ${error.message}`);
  process.exitCode = 1;
}
