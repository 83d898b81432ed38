import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findCycles, importGraph } from './import-graph.js';

/**
 * Module boundaries of src/ (issue 16): no import cycles, and no arrow that runs back up the layers.
 * The layers, from the bottom: text; storage; retrieval, knowledge, escalation; assistant, eval; curation
 * (provenance and the impact of knowledge changes, over the assistant's log and the curated answers); then the
 * ways in — channels, web, server — and at the top the composition root (app.ts) and the CLI. Routers and
 * adapters receive the services they use as parameters (structural types the App satisfies), so nothing
 * below the CLI imports app.ts.
 */
const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

interface Rule {
  /** What the rule says, as the test's name. */
  name: string;
  /** Modules the rule applies to: path prefixes under src/ ('web/chat/') or files ('app.ts'). */
  from: string[];
  /** Modules they must not import. */
  forbidden: string[];
  /** Modules they may import even so (narrower than `forbidden`). */
  allowed?: string[];
  /** Modules of `from` the rule does not apply to. */
  exempt?: string[];
}

const DELIVERY = ['channels/', 'web/', 'server/'];
const TOP = ['app.ts', 'cli.ts', 'cli/'];

const RULES: Rule[] = [
  { name: 'text/ imports nothing else of the project', from: ['text/'], forbidden: [''], allowed: ['text/'] },
  {
    // An engine's repositories implement interfaces the domain owns (escalation/stores.ts, the question
    // log), so they import those — as does storage/shared/, the part of those repositories both engines run
    // alike — and open-storage.ts, which returns an engine's repositories typed by those interfaces; the
    // rest of storage/ (the wrappers, the shared ports) imports no domain.
    name: 'storage/ imports no domain module and no way in (an engine folder may import the interfaces it implements)',
    from: ['storage/'],
    exempt: ['storage/sqlite/', 'storage/postgres/', 'storage/shared/', 'storage/open-storage.ts'],
    forbidden: ['retrieval/', 'knowledge/', 'escalation/', 'assistant/', 'eval/', ...DELIVERY, ...TOP],
  },
  {
    name: 'only the composition root picks an engine: storage/sqlite/ and storage/postgres/ are imported by app.ts and storage/ alone (config.ts checks the URL)',
    from: [''],
    exempt: ['app.ts', 'storage/', 'config.ts'],
    forbidden: ['storage/sqlite/', 'storage/postgres/'],
  },
  { name: 'escalation/ does not import the assistant or retrieval', from: ['escalation/'], forbidden: ['assistant/', 'retrieval/', 'knowledge/', 'notices/'] },
  { name: 'retrieval/ and knowledge/ do not import the assistant', from: ['retrieval/', 'knowledge/'], forbidden: ['assistant/'] },
  { name: 'curation/ is above the assistant: nothing of the domain below imports it', from: ['text/', 'storage/', 'retrieval/', 'knowledge/', 'escalation/', 'assistant/', 'eval/'], forbidden: ['curation/'] },
  {
    name: 'the domain (text, storage, retrieval, knowledge, escalation, assistant, notices, eval, curation) imports no channel, web module, server or CLI',
    from: ['text/', 'storage/', 'retrieval/', 'knowledge/', 'escalation/', 'assistant/', 'notices/', 'eval/', 'curation/'],
    forbidden: [...DELIVERY, ...TOP],
  },
  { name: 'channels/ imports no web module, server or CLI, nor app.ts', from: ['channels/'], forbidden: ['web/', 'server/', ...TOP] },
  { name: 'web/ imports no server or CLI, nor app.ts', from: ['web/'], forbidden: ['server/', ...TOP] },
  { name: 'the web chat does not import the console', from: ['web/chat/'], forbidden: ['web/console/'] },
  { name: 'web/shared/ and the top-level web modules import neither the console nor the web chat', from: ['web/shared/', 'web/http-app.ts', 'web/anonymous-csrf.ts', 'web/rate-limits.ts'], forbidden: ['web/console/', 'web/chat/'] },
  { name: 'server/ imports no CLI, nor app.ts', from: ['server/'], forbidden: TOP },
];

/**
 * Known arrows that break a rule, each to be removed by the work named. An entry that no longer matches
 * an import fails the test: delete it.
 */
const EXCEPTIONS: { from: string; to: string; why: string }[] = [
  { from: 'storage/knowledge-store.ts', to: 'knowledge/types.ts', why: 'issue 16, repositories under src/storage/: the passage and document types move down with the store' },
];

const matches = (module: string, patterns: readonly string[]) => patterns.some((p) => (p.endsWith('/') || p === '' ? module.startsWith(p) : module === p));

describe('module boundaries of src/', () => {
  const graph = importGraph(SRC);

  it('reads a graph that covers src/ and resolves every relative import', () => {
    expect(graph.edges.size).toBeGreaterThan(100);
    expect(graph.edges.get('retrieval/hybrid-search.ts')).toContain('retrieval/lexical-index.ts');
    expect(graph.unresolved, 'relative imports that name no file').toEqual([]);
  });

  it('has no import cycles (type-only imports included)', () => {
    const cycles = findCycles(graph.edges);
    const listing = cycles.map(({ cycle, modules }) => `  ${cycle.join(' → ')}  (tangle: ${modules.join(', ')})`).join('\n');
    expect(cycles, `import cycles in src/:\n${listing}\nBreak each one: move what both sides share into its own module, or let the lower module define a port the higher one implements.`).toEqual([]);
  });

  it.each(RULES.map((rule) => [rule.name, rule] as const))('%s', (_name, rule) => {
    const violations: string[] = [];
    for (const [from, targets] of graph.edges) {
      if (!matches(from, rule.from) || (rule.exempt && matches(from, rule.exempt))) continue;
      for (const to of targets) {
        if (!matches(to, rule.forbidden) || (rule.allowed && matches(to, rule.allowed))) continue;
        if (EXCEPTIONS.some((e) => e.from === from && e.to === to)) continue;
        violations.push(`  ${from} → ${to}`);
      }
    }
    expect(violations, `imports against "${rule.name}":\n${violations.join('\n')}`).toEqual([]);
  });

  it('lists only exceptions that still happen', () => {
    const stale = EXCEPTIONS.filter((e) => !(graph.edges.get(e.from) ?? []).includes(e.to));
    expect(stale, 'exceptions whose import is gone: delete them from EXCEPTIONS').toEqual([]);
  });

  it('finds a cycle and a broken rule when there is one (the check itself)', () => {
    const edges = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', ['d.ts']],
      ['e.ts', ['a.ts']],
    ]);
    expect(findCycles(edges)).toEqual([
      { cycle: ['a.ts', 'b.ts', 'c.ts', 'a.ts'], modules: ['a.ts', 'b.ts', 'c.ts'] },
      { cycle: ['d.ts', 'd.ts'], modules: ['d.ts'] },
    ]);
    expect(matches('web/chat/index.ts', ['web/console/'])).toBe(false);
    expect(matches('web/console/html.ts', ['web/console/'])).toBe(true);
    expect(matches('app.ts', TOP)).toBe(true);
    expect(matches('application.ts', TOP)).toBe(false);
  });
});
