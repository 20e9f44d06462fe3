/**
 * The shape of src/: no import cycles between folders (the lint rules keep the layer order; this catches cycles
 * inside a layer, e.g. between two features), and no source file past about 400 lines (message catalogs are data).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/tmp.js';

const SRC = path.join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'public' ? [] : sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The folder a file belongs to: src/core, src/advisor/answers, src/channels/slack, or "root" for src/*.ts. */
function folderOf(file: string): string {
  const parts = path.relative(SRC, file).split(path.sep).slice(0, -1);
  if (parts.length === 0) return 'root';
  return ['advisor', 'dialogs', 'channels'].includes(parts[0]!) && parts[1] ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SRC)) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from\s+'(\.[^']+)'/gm)) {
      const target = path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts'));
      const to = folderOf(target);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** Every cycle's folders, found by depth-first search. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe('architecture', () => {
  it('has no import cycles between folders', () => {
    const graph = folderGraph();
    expect(graph.get('core')?.has('advisor/profile') ?? false).toBe(false);
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const g = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
    ]);
    expect(cycles(g)).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('keeps every source file under about 400 lines; message catalogs are data', () => {
    const long = sourceFiles(SRC)
      .filter((f) => !f.endsWith('messages.ts'))
      .map((f) => ({ file: path.relative(ROOT, f), lines: fs.readFileSync(f, 'utf8').split('\n').length }))
      .filter((x) => x.lines > 400);
    expect(long).toEqual([]);
  });

  it('keeps botbuilder inside src/channels/teams/, so that moving to the Teams SDK is a rewrite of that folder alone', () => {
    const outside = sourceFiles(SRC)
      .filter((f) => /from\s+'botbuilder[^']*'/.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(ROOT, f))
      .filter((f) => !f.startsWith(path.join('src', 'channels', 'teams') + path.sep));
    expect(outside).toEqual([]);
    expect(sourceFiles(path.join(SRC, 'channels', 'teams')).some((f) => /from\s+'botbuilder'/.test(fs.readFileSync(f, 'utf8')))).toBe(true);
  });
});
