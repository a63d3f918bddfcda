// Escalations as agents write them, for filling a store at scale (bench/similarity.ts, the SLA
// sweep and the board): a product area, a symptom, who is hit, since when, an environment, often
// an error string; many about the same few hundred problems, in varied words. Repeatable: drawn
// from a seeded random.
import type { SimilarityText } from '../src/domain/similarity';
import { activities, areas, environments, errors, fillers, jargon, scopes, symptoms, triggers } from './storyWords';

export interface Story {
  /** Which problem it is about (area and symptom): what "the same problem" means here. */
  problem: string;
  summary: string;
  description: string;
  environment: string;
  expected?: string;
  actual?: string;
}

/** A brief as the store keeps it (JSON), with the fields the index reads filled in. */
export function textOf({ summary, description, environment, expected, actual }: Story): SimilarityText {
  return { summary, description, environment, expected, actual };
}

export function briefJson(story: Story) {
  return {
    summary: story.summary,
    severity: 'high',
    target: 'engineering',
    signals: [],
    impact: { customersAffected: 1, customerNames: [], workflowImpact: 'Blocked', slaStatus: 'within' },
    description: story.description,
    reproduction: {
      steps: [],
      environment: story.environment,
      ...(story.expected !== undefined && { expected: story.expected }),
      ...(story.actual !== undefined && { actual: story.actual }),
    },
    tried: [],
    customerCommunication: {},
    needed: { asks: ['Find the cause'] },
  };
}

export type Random = () => number;

/** mulberry32: small, fast and repeatable. */
export function seeded(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** Problems repeat (that is the point of the feature): a few hundred, popular ones more often. */
export function escalationStory(random: Random): Story {
  const areaIndex = Math.floor(areas.length * random() ** 1.6);
  const area = areas[areaIndex] as (typeof areas)[number];
  const symptomIndex = Math.floor(random() * symptoms.length);
  const symptom = symptoms[symptomIndex] as string[];
  const scope = pick(random, scopes);
  const since = pick(random, triggers);
  const error = random() < 0.4 ? pick(random, errors) : undefined;
  const name = pick(random, area.names);
  const thing = pick(random, area.things);
  const company = companyName(random);
  const summaryForms = [
    () => `${capital(name)} ${pick(random, symptom)} for ${scope} ${since}`,
    () => `${capital(scope)}: ${name} ${pick(random, symptom)}`,
    () => `${capital(thing)} ${pick(random, symptom)} in ${name}${error && random() < 0.3 ? ` (${error})` : ''}`,
    () => `${capital(name)} ${pick(random, symptom)} ${since}`,
    () => `${company}: ${name} ${pick(random, symptom)}`,
  ];
  const summary = pick(random, summaryForms)().slice(0, 120);
  const sentences = [
    `${capital(since)}, the ${name} ${pick(random, symptom)} for ${scope}.`,
    pick(random, [
      `${company} (${10 + Math.floor(random() * 4000)} seats) noticed it during ${pick(random, activities)}.`,
      `${company} found it during ${pick(random, activities)}.`,
      `First reported by ${company}, a ${pick(random, ['retail', 'logistics', 'banking', 'healthcare', 'SaaS', 'hospitality', 'public sector'])} customer.`,
      `${company} raised it twice this week.`,
    ]),
    pick(random, [
      `It affects every ${thing}, not only the first one.`,
      `Only some ${thing}s are hit; we could not find a pattern yet.`,
      `The ${thing} looks fine in the ${pick(random, jargon)} view but not in the ${pick(random, jargon)} view.`,
      `It started with one ${thing} and now hits all of them.`,
      `Their ${pick(random, jargon)} ${pick(random, jargon)} depends on this ${thing}.`,
    ]),
    error
      ? `The ${pick(random, ['logs show', 'browser console shows', 'API answers with', 'the app reports', 'support console shows'])} ${error}.`
      : '',
    pick(random, fillers),
    random() < 0.5 ? pick(random, fillers) : '',
    random() < 0.5 ? `They use it together with ${pick(random, jargon)} and ${pick(random, jargon)}.` : '',
    random() < 0.3 ? `It may be related to the ${pick(random, areas).names[0]} change.` : '',
  ];
  const environment = `${pick(random, environments.regions)}, ${pick(random, environments.apps)} ${
    2 + Math.floor(random() * 2)
  }.${10 + Math.floor(random() * 8)}.${Math.floor(random() * 4)}, ${pick(random, environments.browsers)}`;
  return {
    problem: `${areaIndex}/${symptomIndex}`,
    summary,
    description: sentences.filter(Boolean).join(' '),
    environment,
    ...(random() < 0.5 && { expected: `The ${thing} works as before` }),
    ...(random() < 0.5 && { actual: `The ${thing} ${pick(random, symptom)}` }),
  };
}

/** Customers: thousands of names, as in a real book of business. */
function companyName(random: Random): string {
  const syllables = ['ac', 'me', 'glo', 'bex', 'ini', 'tech', 'fab', 'ri', 'kam', 'con', 'to', 'so', 'nor', 'wind'];
  const more = ['um', 'brel', 'la', 'vand', 'ley', 'ho', 'li', 'stark', 'wa', 'cy', 'dyne', 'tyr', 'sol', 'mas'];
  const parts = [pick(random, syllables), pick(random, more), ...(random() < 0.5 ? [pick(random, syllables)] : [])];
  return `${capital(parts.join(''))} ${pick(random, ['GmbH', 'SARL', 'Ltd', 'Inc', 'BV', 'AB', 'Oy', 'SpA'])}`;
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
