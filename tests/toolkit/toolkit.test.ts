// The Microsoft 365 Agents Toolkit project files as the Toolkit reads them: m365agents.yml (dev,
// Azure) and m365agents.local.yml, run step by step. Every ${{VAR}} a step uses is in the
// environment's file, a secret that file says its .user file holds, or written by an earlier step
// (writeToEnvironmentFile, the bicep template's outputs); every file a step names exists or an
// earlier step writes it; every bicep parameter without a default is given; the manifest's own
// placeholders are all known when the app package is zipped.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const repoRoot = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
/** The Toolkit's placeholder for the environment's name, in paths such as appPackage.${{TEAMSFX_ENV}}.zip. */
const envNamePlaceholder = /\$\{\{\s*TEAMSFX_ENV\s*\}\}/g;
const placeholders = (text: string) =>
  [...text.matchAll(/\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1] as string);

/** The names an env file defines (empty ones too), and the secrets it says its .user file holds. */
function environment(name: string): Set<string> {
  const text = read(`env/.env.${name}`);
  const names = new Set([...text.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1] as string));
  for (const line of text.matchAll(/^# Secrets, in env\/\.env\.[a-z]+\.user[^:]*: (.+)$/gm)) {
    for (const secret of (line[1] as string).matchAll(/\b(SECRET_[A-Z0-9_]+)\b/g)) names.add(secret[1] as string);
  }
  return names;
}

interface Step {
  uses: string;
  with?: Record<string, unknown>;
  writeToEnvironmentFile?: Record<string, string>;
}

/** A bicep file's parameters (and whether each has a default) and outputs. */
function bicep(file: string) {
  const text = read(file);
  const params = [...text.matchAll(/^param (\w+) \w+( = .+)?$/gm)].map((m) => ({
    name: m[1] as string,
    hasDefault: !!m[2],
  }));
  const outputs = [...text.matchAll(/^output (\w+) /gm)].map((m) => m[1] as string);
  return { params, outputs };
}

for (const [file, envName] of [
  ['m365agents.yml', 'dev'],
  ['m365agents.local.yml', 'local'],
] as const) {
  describe(`Agents Toolkit: ${file}`, () => {
    const project = parse(read(file)) as Record<string, unknown>;

    it('is a v1.11 (or later) project with its environments in ./env', () => {
      assert.match(String(project.version), /^v1\.(1[1-9]|[2-9]\d)$/);
      assert.equal(project.environmentFolderPath, './env');
      assert.match(
        read(file),
        /^# yaml-language-server: \$schema=https:\/\/aka\.ms\/m365-agents-toolkits\/v1\.\d+\/yaml\.schema\.json$/m,
      );
    });

    it('uses only variables defined by its env file, its secrets or an earlier step, and only files that exist', () => {
      const defined = environment(envName);
      const written = new Set<string>();
      const lifecycles = ['provision', 'deploy', 'publish'].filter((stage) => Array.isArray(project[stage]));
      assert.ok(lifecycles.includes('provision') && lifecycles.includes('deploy'));
      const uses: string[] = [];
      for (const stage of lifecycles) {
        for (const step of project[stage] as Step[]) {
          uses.push(step.uses);
          const known = (name: string) => defined.has(name) || written.has(name);
          for (const name of placeholders(JSON.stringify(step.with ?? {}))) {
            assert.ok(known(name), `${stage} ${step.uses} uses \${{${name}}}, which nothing defines before it`);
          }
          const given = step.with ?? {};
          for (const key of ['manifestPath', 'artifactFolder', 'ignoreFile']) {
            if (typeof given[key] === 'string')
              assert.ok(existsSync(path.join(repoRoot, given[key] as string)), `${key}: ${given[key]}`);
          }
          if (step.uses === 'teamsApp/zipAppPackage') {
            // The manifest is filled from the environment here: all of its placeholders must be known.
            for (const name of placeholders(read('appPackage/manifest.json'))) {
              assert.ok(known(name), `the manifest's \${{${name}}} is not known when ${stage} zips the package`);
            }
            written.add(`file:${String(given.outputZipPath).replace(envNamePlaceholder, envName)}`);
          }
          if (typeof given.appPackagePath === 'string') {
            const zip = `file:${given.appPackagePath.replace(envNamePlaceholder, envName)}`;
            assert.ok(written.has(zip), `${step.uses} reads ${given.appPackagePath} before a step zips it`);
          }
          if (step.uses === 'arm/deploy') {
            for (const template of given.templates as { path: string; parameters: string }[]) {
              assert.ok(existsSync(path.join(repoRoot, template.path)), template.path);
              const parameters = read(template.parameters);
              for (const name of placeholders(parameters)) {
                assert.ok(known(name), `${template.parameters} uses \${{${name}}}, which nothing defines before it`);
              }
              const given = Object.keys((JSON.parse(parameters) as { parameters: object }).parameters);
              const { params, outputs } = bicep(template.path);
              for (const param of params.filter((p) => !p.hasDefault)) {
                assert.ok(
                  given.includes(param.name),
                  `${template.path} needs ${param.name}; ${template.parameters} does not give it`,
                );
              }
              for (const name of given) {
                assert.ok(
                  params.some((p) => p.name === name),
                  `${template.parameters} gives ${name}, which ${template.path} does not take`,
                );
              }
              for (const output of outputs) written.add(output);
            }
          }
          for (const variable of Object.values(step.writeToEnvironmentFile ?? {})) written.add(variable);
        }
      }
      for (const action of [
        'teamsApp/create',
        'teamsApp/validateManifest',
        'teamsApp/zipAppPackage',
        'teamsApp/validateAppPackage',
        'teamsApp/update',
      ]) {
        assert.ok(uses.includes(action), action);
      }
      if (envName === 'local') {
        for (const action of ['aadApp/create', 'botFramework/create', 'file/createOrUpdateEnvironmentFile'])
          assert.ok(uses.includes(action), action);
      } else {
        for (const action of [
          'arm/deploy',
          'cli/runNpmCommand',
          'azureAppService/zipDeploy',
          'teamsApp/publishAppPackage',
        ]) {
          assert.ok(uses.includes(action), action);
        }
      }
    });
  });
}

describe('Agents Toolkit: infra/azure.bicep', () => {
  const text = read('infra/azure.bicep');

  it('gives the web app every setting the server needs, with secrets as secure parameters only', () => {
    for (const setting of [
      'CLIENT_ID',
      'TENANT_ID',
      'BOT_TYPE',
      'HOST',
      'PUBLIC_URL',
      'DATABASE_URL',
      'LINK_SECRET',
      'API_KEY',
      'ALLOWED_TENANTS',
    ]) {
      assert.match(text, new RegExp(`name: '${setting}'`), setting);
    }
    assert.match(text, /healthCheckPath: '\/healthz'/);
    assert.match(text, /linuxFxVersion: 'NODE\|20-lts'/);
    for (const secret of ['linkSecret', 'apiKey', 'postgresAdminPassword']) {
      assert.match(
        text,
        new RegExp(`@secure\\(\\)\\n(@[^\\n]+\\n)*param ${secret} string\\n`),
        `${secret} is @secure()`,
      );
      assert.doesNotMatch(text, new RegExp(`^output .*${secret}`, 'm'), `${secret} is never an output`);
    }
  });

  it('registers the bot as the managed identity, with the Teams and Outlook channels, and a PostgreSQL server', () => {
    assert.match(text, /Microsoft\.ManagedIdentity\/userAssignedIdentities/);
    assert.match(text, /msaAppType: 'UserAssignedMSI'/);
    assert.match(text, /channelName: 'MsTeamsChannel'/);
    assert.match(text, /channelName: 'OutlookChannel'/);
    // Copilot and Outlook's compose window search through the Microsoft 365 channel.
    assert.match(text, /channelName: 'M365Extensions'/);
    assert.match(text, /Microsoft\.DBforPostgreSQL\/flexibleServers@/);
  });
});
