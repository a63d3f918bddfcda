// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time by
// package and by function, and inclusive time of the project's own functions (what a click
// costs, step by step). Optionally only the samples inside given windows (ms since the
// profile started), so seeding and idle start-up do not dilute the figures.
// `node dist/bench/profileSummary.js FILE...` summarises whole profiles.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const pseudo = ['(idle)', '(garbage collector)', '(program)', '(root)'];

function packageOf(url: string): string {
  if (!url) return '(native / V8)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1] as string;
  if (url.startsWith('node:')) return 'node core';
  const ours = /\/dist\/(src|bench|tests)\/(.+?)\.js$/.exec(url);
  if (ours) return `${ours[1]}/${(ours[2] as string).split('/')[0]}`;
  return url;
}

function nameOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/(node_modules|dist)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
}

export function summariseProfile(path: string, windows?: [number, number][], top = 25): string {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const selfUs = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    const ms = at / 1000;
    if (windows && !windows.some(([from, to]) => ms >= from && ms <= to)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = [...selfUs.entries()]
    .filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)')
    .reduce((sum, [, us]) => sum + us, 0);
  const busy = total - idle;

  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url } = node.callFrame;
    if (functionName === '(idle)') continue;
    const key = nameOf(node);
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const pkg = pseudo.includes(functionName) ? functionName : packageOf(url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    // Inclusive: each of our functions (and the library entry points we call) on this stack, once.
    const seen = new Set<string>();
    for (let walk: number | undefined = id; walk !== undefined; walk = parent.get(walk)) {
      const frame = byId.get(walk);
      if (!frame) break;
      const own = /\/dist\/src\//.test(frame.callFrame.url);
      const entry = /^(Template\.expand|executeQuery|prepare|processActivity|JSON\.(parse|stringify))$/.test(
        frame.callFrame.functionName,
      );
      if (!own && !entry) continue;
      const name = nameOf(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  const list = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `  ${pct(us)}  ${k}`)
      .join('\n');
  return [
    `${(total / 1e6).toFixed(1)} s sampled${windows ? ' in the measured windows' : ''}, ` +
      `${((100 * idle) / Math.max(1, total)).toFixed(0)}% idle; shares below are of the ${(busy / 1e6).toFixed(1)} s busy`,
    `self time by package:\n${list(byPackage, 16)}`,
    `self time by function:\n${list(byFunction, top)}`,
    `inclusive time, the project's functions and library entry points:\n${list(inclusive, top)}`,
  ].join('\n');
}

if (require.main === module) {
  for (const path of process.argv.slice(2)) console.log(`${path}\n${summariseProfile(path)}\n`);
}
