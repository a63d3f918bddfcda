// The Teams app package as Teams receives it: the zip `npm run package` writes from
// env/.env.local, its manifest checked offline against the schema it declares, and
// the icons it carries.
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { type AppManifest, AppManifestUtils, type TeamsManifestLatest } from '@microsoft/app-manifest';
import { feedActivities } from '../../src/domain/notifications';

// Compiled to dist/tests/appPackage/, so the repository root is three levels up.
const repoRoot = path.resolve(__dirname, '../../..');
const packageScript = path.join(repoRoot, 'scripts/package-app.mjs');
const manifestTemplate = path.join(repoRoot, 'appPackage/manifest.json');
const schemasDir = path.join(
  path.dirname(require.resolve('@microsoft/app-manifest/package.json')),
  'build/json-schemas/teams',
);

type ManifestSchema = Parameters<typeof AppManifestUtils.validateAgainstSchema>[1];

function bundledSchema(version: string): ManifestSchema {
  const file = path.join(schemasDir, `v${version}`, 'MicrosoftTeams.schema.json');
  assert.ok(fs.existsSync(file), `@microsoft/app-manifest bundles no v${version} schema; validating would go online`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ManifestSchema;
}

function runPackageScript(args: string[]): SpawnSyncReturns<string> {
  const env = { ...process.env };
  delete env.TEAMSFX_ENV; // the argument names the environment
  return spawnSync(process.execPath, [packageScript, ...args], { cwd: repoRoot, env, encoding: 'utf8' });
}

/** Name -> contents, read through the central directory as unzip tools do. */
function readZip(archive: Buffer): Map<string, Buffer> {
  const endAt = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(endAt >= 0, 'no end of central directory record: not a zip');
  const count = archive.readUInt16LE(endAt + 10);
  let at = archive.readUInt32LE(endAt + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    assert.equal(archive.readUInt32LE(at), 0x02014b50, 'central directory entry signature');
    const method = archive.readUInt16LE(at + 10);
    const crc = archive.readUInt32LE(at + 16);
    const compressedSize = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const extraLength = archive.readUInt16LE(at + 30);
    const commentLength = archive.readUInt16LE(at + 32);
    const localAt = archive.readUInt32LE(at + 42);
    const name = archive.toString('utf8', at + 46, at + 46 + nameLength);
    assert.equal(archive.readUInt32LE(localAt), 0x04034b50, `local header signature of ${name}`);
    const dataAt = localAt + 30 + archive.readUInt16LE(localAt + 26) + archive.readUInt16LE(localAt + 28);
    const stored = archive.subarray(dataAt, dataAt + compressedSize);
    assert.ok(method === 0 || method === 8, `${name}: compression method ${method} is neither store nor deflate`);
    const data = method === 8 ? zlib.inflateRawSync(stored) : stored;
    assert.equal(zlib.crc32(data), crc, `${name}: CRC-32 in the zip does not match its contents`);
    files.set(name, data);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

interface Png {
  width: number;
  height: number;
  colorType: number;
  /** width x height x 4 bytes, RGBA. */
  rgba: Buffer;
}

/** Enough of PNG for app icons: 8-bit greyscale/RGB with or without alpha, not interlaced. */
function decodePng(file: Buffer, label: string): Png {
  assert.deepEqual([...file.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${label}: not a PNG`);
  let width = 0;
  let height = 0;
  let colorType = -1;
  const imageData: Buffer[] = [];
  for (let at = 8; at < file.length; ) {
    const length = file.readUInt32BE(at);
    const type = file.toString('ascii', at + 4, at + 8);
    const data = file.subarray(at + 8, at + 8 + length);
    assert.equal(
      zlib.crc32(file.subarray(at + 4, at + 8 + length)),
      file.readUInt32BE(at + 8 + length),
      `${label}: ${type} CRC`,
    );
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      colorType = data[9] ?? -1;
      assert.equal(data[8], 8, `${label}: expected 8 bits per channel`);
      assert.equal(data[12], 0, `${label}: expected no interlacing`);
    } else if (type === 'IDAT') {
      imageData.push(data);
    }
    at += 12 + length;
  }
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  assert.ok(channels, `${label}: colour type ${colorType} is not greyscale or RGB`);
  const raw = zlib.inflateSync(Buffer.concat(imageData));
  const stride = width * channels;
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x] ?? 0;
      const left = x >= channels ? (pixels[y * stride + x - channels] ?? 0) : 0;
      const up = y > 0 ? (pixels[(y - 1) * stride + x] ?? 0) : 0;
      const upLeft = x >= channels && y > 0 ? (pixels[(y - 1) * stride + x - channels] ?? 0) : 0;
      const paeth = () => {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      };
      const predictor = [0, left, up, (left + up) >> 1, filter === 4 ? paeth() : 0][filter ?? -1];
      assert.ok(predictor !== undefined, `${label}: unknown row filter ${filter}`);
      pixels[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const p = pixels.subarray(i * channels, (i + 1) * channels);
    const [r, g, b] = channels >= 3 ? [p[0], p[1], p[2]] : [p[0], p[0], p[0]];
    const alpha = channels === 2 || channels === 4 ? p[channels - 1] : 255;
    rgba.set([r ?? 0, g ?? 0, b ?? 0, alpha ?? 255], i * 4);
  }
  return { width, height, colorType, rgba };
}

describe('Teams app package (npm run package)', () => {
  let workDir: string;
  let files: Map<string, Buffer>;
  let manifest: TeamsManifestLatest;

  before(() => {
    // The committed env/.env.local, copied so a developer's .env.local.user stays out of it.
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'escalation-desk-package-'));
    fs.mkdirSync(path.join(workDir, 'env'));
    fs.copyFileSync(path.join(repoRoot, 'env/.env.local'), path.join(workDir, 'env/.env.local'));
    const run = runPackageScript([
      'local',
      '--env-dir',
      path.join(workDir, 'env'),
      '--out',
      path.join(workDir, 'build'),
    ]);
    assert.equal(run.status, 0, `package script failed: ${run.stderr}`);
    const zipFile = path.join(workDir, 'build/appPackage.local.zip');
    assert.equal(path.resolve(repoRoot, run.stdout.trim()), zipFile, 'the script prints the path it wrote');
    files = readZip(fs.readFileSync(zipFile));
    const manifestText = files.get('manifest.json')?.toString('utf8') ?? '';
    assert.doesNotMatch(manifestText, /\$\{\{/, 'a placeholder survived substitution');
    manifest = JSON.parse(manifestText) as TeamsManifestLatest;
  });

  after(() => {
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('holds exactly manifest.json, color.png and outline.png at its root', () => {
    assert.deepEqual([...files.keys()].sort(), ['color.png', 'manifest.json', 'outline.png']);
  });

  it('is the same, byte for byte, when packaged again from the same files', () => {
    const again = runPackageScript([
      'local',
      '--env-dir',
      path.join(workDir, 'env'),
      '--out',
      path.join(workDir, 'again'),
    ]);
    assert.equal(again.status, 0, again.stderr);
    const first = fs.readFileSync(path.join(workDir, 'build/appPackage.local.zip'));
    const second = fs.readFileSync(path.join(workDir, 'again/appPackage.local.zip'));
    assert.ok(first.equals(second), 'the same bytes');
  });

  it('takes the app and bot ids from the environment, the Agents Toolkit way', () => {
    const template = JSON.parse(fs.readFileSync(manifestTemplate, 'utf8')) as TeamsManifestLatest;
    const placeholder = (name: string) => `\${{${name}}}`;
    assert.equal(template.id, placeholder('TEAMS_APP_ID'));
    assert.equal(template.bots?.[0]?.botId, placeholder('BOT_ID'));
    assert.equal(template.composeExtensions?.[0]?.botId, placeholder('BOT_ID'));
    assert.equal(manifest.id, '00000000-0000-4000-8000-00000000e5c1', 'TEAMS_APP_ID of env/.env.local');
    assert.equal(manifest.bots?.[0]?.botId, '00000000-0000-4000-8000-00000000b071', 'BOT_ID of env/.env.local');
    assert.equal(manifest.name.short, 'Escalation Desk (local)');
  });

  it('is valid against the schema it declares, loaded offline', async () => {
    assert.equal(
      manifest.$schema,
      `https://developer.microsoft.com/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`,
    );
    const errors = await AppManifestUtils.validateAgainstSchema(manifest, bundledSchema(manifest.manifestVersion));
    assert.deepEqual(errors, []);
  });

  it('uses nothing newer than v1.19 but the support of private and shared channels, so an older manifest version is a short change', async () => {
    const { supportsChannelFeatures: _, ...older } = manifest as TeamsManifestLatest & {
      supportsChannelFeatures?: string;
    };
    const asV119 = {
      ...older,
      $schema: 'https://developer.microsoft.com/json-schemas/teams/v1.19/MicrosoftTeams.schema.json',
      manifestVersion: '1.19',
    } as unknown as AppManifest;
    assert.deepEqual(await AppManifestUtils.validateAgainstSchema(asV119, bundledSchema('1.19')), []);
  });

  it('puts the bot in personal chat, teams and group chats with the support commands', () => {
    assert.equal(manifest.bots?.length, 1);
    const bot = manifest.bots?.[0];
    assert.deepEqual([...(bot?.scopes ?? [])].sort(), ['groupChat', 'personal', 'team']);
    const commandsFor = (scope: string) =>
      bot?.commandLists?.find((list) => (list.scopes as string[]).includes(scope))?.commands.map((c) => c.title);
    assert.deepEqual(commandsFor('personal'), ['new', 'mine', 'show', 'help']);
    assert.deepEqual(commandsFor('team'), ['route', 'routes', 'unroute']);
    assert.deepEqual(commandsFor('groupChat'), ['save'], 'saving into a swarm chat’s escalation');
    for (const list of bot?.commandLists ?? []) {
      for (const command of list.commands)
        assert.ok(command.description, `command "${command.title}" has no description`);
    }
  });

  it('has one message extension: Escalate and Save to escalation (dialogs), Find an escalation (a search Copilot can use), and the links it unfurls', () => {
    assert.equal(manifest.composeExtensions?.length, 1);
    const extension = manifest.composeExtensions?.[0];
    assert.equal(extension?.botId, manifest.bots?.[0]?.botId);
    const commands = extension?.commands ?? [];
    assert.deepEqual(
      commands.map((c) => c.id),
      ['createEscalation', 'saveToEscalation', 'findEscalation'],
    );
    const [escalate, save, find] = commands;
    assert.equal(escalate?.title, 'Escalate');
    assert.deepEqual([...(escalate?.context ?? [])].sort(), ['commandBox', 'compose', 'message']);
    assert.equal(save?.title, 'Save to escalation');
    assert.deepEqual(save?.context, ['message'], 'saved from a message’s “...” menu only');
    for (const command of [escalate, save]) {
      assert.equal(command?.type, 'action', command?.id);
      assert.equal(command?.fetchTask, true, command?.id);
      assert.ok(command?.description, `${command?.id} has a description`);
    }
    // Copilot reads the semantic descriptions and offers the sample prompts (manifest 1.13 and later).
    assert.equal(find?.type, 'query');
    assert.equal(find?.initialRun, true);
    assert.deepEqual(
      (find?.parameters ?? []).map((p) => p.name),
      ['query', 'customer', 'tier', 'status', 'severity'],
    );
    const described = find as { semanticDescription?: string; samplePrompts?: { text: string }[] };
    assert.ok(
      (described.semanticDescription?.length ?? 0) > 100 && (described.semanticDescription?.length ?? 0) <= 5000,
    );
    for (const parameter of find?.parameters ?? []) {
      const semantic = (parameter as { semanticDescription?: string }).semanticDescription ?? '';
      assert.ok(semantic.length > 20 && semantic.length <= 2000, parameter.name);
    }
    const prompts = (described.samplePrompts ?? []).map((p) => p.text);
    assert.ok(prompts.includes('Which Critical escalations for Contoso are still open?'));
    assert.ok(prompts.includes('What is the status of ESC-12?'));
    assert.ok(prompts.every((p) => p.length <= 128));
    // Links on the bot's own domain (PUBLIC_URL: the card's, the board's, the brief's) unfurl.
    const botDomain = new URL(manifest.staticTabs?.[0]?.contentUrl ?? '').host;
    assert.deepEqual(extension?.messageHandlers, [{ type: 'link', value: { domains: [botDomain] } }]);
  });

  it('has the Escalation Board as personal tabs (My escalations, Board) and a channel tab set up per tier, all on the bot’s domain', () => {
    const tabs = manifest.staticTabs ?? [];
    assert.deepEqual(
      tabs.map((tab) => [tab.entityId, tab.name ?? null]),
      [
        ['myEscalations', 'My escalations'],
        ['board', 'Board'],
        ['conversations', null],
      ],
      'the two tabs, and the chat with the bot kept beside them',
    );
    assert.equal(tabs[0]?.contentUrl, 'https://localhost/tab/index.html?view=mine');
    assert.equal(tabs[1]?.contentUrl, 'https://localhost/tab/index.html');
    for (const tab of tabs) assert.deepEqual(tab.scopes, ['personal']);

    assert.equal(manifest.configurableTabs?.length, 1);
    const channelTab = manifest.configurableTabs?.[0];
    assert.equal(channelTab?.configurationUrl, 'https://localhost/tab/config.html');
    assert.equal(channelTab?.canUpdateConfiguration, true);
    assert.deepEqual(channelTab?.scopes, ['team']);
    assert.deepEqual(channelTab?.context, ['channelTab']);

    const urls = [...tabs.flatMap((tab) => [tab.contentUrl, tab.websiteUrl]), channelTab?.configurationUrl].filter(
      (url): url is string => url !== undefined,
    );
    for (const url of urls) {
      const parsed = new URL(url);
      assert.equal(parsed.protocol, 'https:', url);
      assert.ok(parsed.pathname.startsWith('/tab/'), url);
      assert.ok(manifest.validDomains?.includes(parsed.host), `${parsed.host} is a valid domain`);
    }
  });

  it('names the app registration the tab signs people in to (webApplicationInfo), as the server expects it', () => {
    const botId = manifest.bots?.[0]?.botId;
    assert.equal(manifest.webApplicationInfo?.id, botId);
    // The server's SSO_APP_ID_URI defaults to api://<PUBLIC_URL host>/<client id> (src/config.ts).
    assert.equal(manifest.webApplicationInfo?.resource, `api://localhost/${botId}`);
  });

  it('declares the activity feed types the notices are sent as, with the parameters each fills in', () => {
    const declared = manifest.activities?.activityTypes ?? [];
    for (const activity of Object.values(feedActivities)) {
      const type = declared.find((t) => t.type === activity.type);
      assert.ok(type, `${activity.type} is declared`);
      const placeholders = [...(type.templateText.match(/\{(\w+)\}/g) ?? [])].map((p) => p.slice(1, -1));
      assert.deepEqual(placeholders.sort(), [...activity.parameters].sort(), `${activity.type}'s template parameters`);
      assert.ok(type.description.length > 0);
    }
    assert.equal(declared.length, Object.keys(feedActivities).length);
  });

  it('works in private and shared channels, reading their members with the team’s consent (RSC)', () => {
    const features = manifest as TeamsManifestLatest & { supportsChannelFeatures?: string };
    assert.equal(features.supportsChannelFeatures, 'tier1');
    assert.deepEqual(manifest.authorization?.permissions?.resourceSpecific, [
      { name: 'ChannelMember.Read.Group', type: 'Application' },
    ]);
  });

  it('names icons that are a 192x192 colour PNG and a 32x32 outline PNG', () => {
    assert.equal(manifest.icons.color, 'color.png');
    assert.equal(manifest.icons.outline, 'outline.png');
    const color = decodePng(files.get('color.png') ?? Buffer.alloc(0), 'color.png');
    assert.deepEqual([color.width, color.height], [192, 192]);
    const outline = decodePng(files.get('outline.png') ?? Buffer.alloc(0), 'outline.png');
    assert.deepEqual([outline.width, outline.height], [32, 32]);
  });

  it('draws the outline icon in white on transparent only', () => {
    const outline = decodePng(files.get('outline.png') ?? Buffer.alloc(0), 'outline.png');
    assert.ok(outline.colorType === 4 || outline.colorType === 6, 'the outline icon needs an alpha channel');
    let opaque = 0;
    let transparent = 0;
    for (let i = 0; i < outline.rgba.length; i += 4) {
      const [r, g, b, alpha] = outline.rgba.subarray(i, i + 4);
      if (alpha === 0) {
        transparent++;
        continue;
      }
      assert.deepEqual([r, g, b], [255, 255, 255], `pixel ${i / 4} is visible and not white`);
      if (alpha === 255) opaque++;
    }
    assert.ok(opaque > 0 && transparent > 0, 'the outline icon shows a shape on a transparent ground');
  });

  it('stops with one line naming each variable the environment leaves unset', () => {
    const envDir = path.join(workDir, 'env-missing');
    fs.mkdirSync(envDir);
    const withoutBotId = fs
      .readFileSync(path.join(repoRoot, 'env/.env.local'), 'utf8')
      .replace(/^BOT_ID=.*$/m, 'BOT_ID=')
      .replace(/^BOT_DOMAIN=.*$/m, '');
    fs.writeFileSync(path.join(envDir, '.env.local'), withoutBotId);
    const outDir = path.join(workDir, 'build-missing');
    const run = runPackageScript(['local', '--env-dir', envDir, '--out', outDir]);
    assert.equal(run.status, 1);
    const message = run.stderr.trim();
    assert.equal(message.split('\n').length, 1, `one line, got: ${message}`);
    assert.match(message, /\bBOT_ID\b/);
    assert.match(message, /\bBOT_DOMAIN\b/);
    assert.ok(!fs.existsSync(path.join(outDir, 'appPackage.local.zip')), 'no package is written');
  });

  it('keeps secrets out of the committed env files', () => {
    for (const name of ['.env.local', '.env.dev']) {
      const text = fs.readFileSync(path.join(repoRoot, 'env', name), 'utf8');
      assert.doesNotMatch(
        text,
        /^\s*(?:export\s+)?(?:SECRET_\w*|BOT_PASSWORD|API_KEY)\s*=\s*\S/m,
        `${name} sets a secret`,
      );
    }
    assert.match(fs.readFileSync(path.join(repoRoot, '.gitignore'), 'utf8'), /^env\/\.env\.\*\.user$/m);
  });
});
