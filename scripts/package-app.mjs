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
// The zip is written here (deflate or store, CRC-32) so packaging needs no dependencies, and
// with a fixed timestamp so the same inputs give the same bytes.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

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

/** A zip of files at its root, each deflated unless that would not shrink it. entries: [{name, data}] */
function zip(entries) {
  const dosTime = 0; // 00:00:00
  const dosDate = (0 << 9) | (1 << 5) | 1; // 1980-01-01, the earliest a zip can say
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const fileName = Buffer.from(name, 'utf8');
    const deflated = zlib.deflateRawSync(data, { level: 9 });
    const method = deflated.length < data.length ? 8 : 0; // deflate, or store
    const compressed = method === 8 ? deflated : data;
    const crc = zlib.crc32(data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // flags: names are UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    local.writeUInt16LE(0, 28); // extra field length
    locals.push(local, fileName, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by: 2.0, MS-DOS attributes
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    // extra length, comment length, disk number, internal and external attributes: 0
    central.writeUInt32LE(offset, 42);
    centrals.push(central, fileName);

    offset += local.length + fileName.length + compressed.length;
  }
  const centralDirectory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8); // entries on this disk
  end.writeUInt16LE(entries.length, 10); // entries in all
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDirectory, end]);
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
