/**
 * The import graph of src/: every static import, re-export (`export … from`) and dynamic `import()` between
 * the project's own modules, type-only imports included (a type-level cycle still couples the modules).
 * Specifiers are read with the TypeScript compiler's pre-processor (no type-checking, so it takes a second)
 * and resolved as NodeNext does for this project: `./x.js` is `./x.ts`, `./x.mjs` is `./x.mts` or itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface ImportGraph {
  /** Module → the modules it imports, as paths relative to the root with '/' separators ('web/chat/index.ts'). */
  edges: Map<string, string[]>;
  /** Relative specifiers that name no file (the check would otherwise miss their edges). */
  unresolved: { from: string; specifier: string }[];
}

const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;

export function importGraph(root: string): ImportGraph {
  const files = listSources(root);
  const edges = new Map<string, string[]>();
  const unresolved: ImportGraph['unresolved'] = [];
  for (const file of files) {
    const from = toKey(root, file);
    const targets = new Set<string>();
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (!specifier.startsWith('.')) continue; // a package or a node: built-in
      const target = resolveRelative(path.dirname(file), specifier);
      if (target) targets.add(toKey(root, target));
      else unresolved.push({ from, specifier });
    }
    edges.set(from, [...targets].sort());
  }
  return { edges, unresolved };
}

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSources(full));
    else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out.sort();
}

function resolveRelative(dir: string, specifier: string): string | undefined {
  const base = path.resolve(dir, specifier);
  const candidates = [base];
  if (base.endsWith('.js')) candidates.push(base.replace(/\.js$/, '.ts'));
  if (base.endsWith('.mjs')) candidates.push(base.replace(/\.mjs$/, '.mts'));
  if (base.endsWith('.cjs')) candidates.push(base.replace(/\.cjs$/, '.cts'));
  candidates.push(`${base}.ts`, path.join(base, 'index.ts'));
  return candidates.find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
}

function toKey(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

export interface ImportCycle {
  /** A shortest closed path through the tangle, e.g. ['a.ts', 'b.ts', 'a.ts']. */
  cycle: string[];
  /** Every module of the tangle (its strongly connected component): each reaches every other. */
  modules: string[];
}

/**
 * The import cycles, one per tangle of modules that import each other directly or not (a strongly
 * connected component, found with Tarjan's algorithm). A module importing itself is a cycle too.
 */
export function findCycles(edges: Map<string, string[]>): ImportCycle[] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];

  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (edges.get(v) ?? []).includes(v)) components.push(component.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return components
    .map((modules) => ({ cycle: cycleThrough(modules, edges), modules }))
    .sort((a, b) => a.modules[0]!.localeCompare(b.modules[0]!));
}

/** A shortest closed path from the component's first module back to itself, inside the component (BFS). */
function cycleThrough(component: string[], edges: Map<string, string[]>): string[] {
  const members = new Set(component);
  const start = component[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of edges.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        for (let at = v; at !== start; ) {
          at = previous.get(at)!;
          path.unshift(at);
        }
        return [...path, start];
      }
      if (!previous.has(w) && w !== start) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...component, start];
}
