import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * Every query lives under src/storage/ (issue 16): the domain, the channels, the web chat and the console
 * reach the database only through repositories. This check scans the rest of src/ for SQL in code (comments
 * are skipped) and for statements run on a database handle, and lists the offenders.
 */

const SRC = path.resolve(__dirname, '../../src');
const STORAGE = path.join(SRC, 'storage');

/** Case-sensitive on purpose: SQL keywords in capitals are SQL; the same words in prose are not. */
const SQL_PATTERNS: readonly RegExp[] = [
  /\bSELECT\s+(DISTINCT\s+)?[\w*(]/,
  /\bINSERT\s+(OR\s+\w+\s+)?INTO\b/,
  /\bUPDATE\s+\w+\s+SET\b/,
  /\bDELETE\s+FROM\b/,
  /\bCREATE\s+(TABLE|INDEX|UNIQUE\s+INDEX|TRIGGER)\b/,
  /\bdb\s*\.\s*(run|all|get|exec)\s*(<[^>]*>)?\s*\(/,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (file === STORAGE) return [];
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return /\.(ts|mts|js|mjs)$/.test(name) ? [file] : [];
  });
}

/** The text with comments blanked out (line breaks kept, so line numbers still match). */
function withoutComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

function offenders(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const lines = withoutComments(readFileSync(file, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      if (SQL_PATTERNS.some((pattern) => pattern.test(line))) {
        found.push(`${path.relative(path.resolve(SRC, '..'), file)}:${i + 1}: ${line.trim().slice(0, 120)}`);
      }
    });
  }
  return found;
}

/** Modules that import an engine's repositories: only the composition root may choose the engine. */
function engineImports(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    if (file === path.join(SRC, 'app.ts')) continue;
    withoutComments(readFileSync(file, 'utf8'))
      .split('\n')
      .forEach((line, i) => {
        if (/(from\s+|import\s*\(\s*)['"][^'"]*storage\/sqlite\//.test(line)) found.push(`${path.relative(path.resolve(SRC, '..'), file)}:${i + 1}: ${line.trim()}`);
      });
  }
  return found;
}

describe('storage boundary', () => {
  it('keeps every SQL statement under src/storage/', () => {
    const found = offenders();
    expect(found, `SQL outside src/storage/ (move it into a repository):\n${found.join('\n')}`).toEqual([]);
  });

  it('lets only the composition root (src/app.ts) import src/storage/sqlite/', () => {
    const found = engineImports();
    expect(found, `engine repositories imported outside src/app.ts (take them from app.repos or a port):\n${found.join('\n')}`).toEqual([]);
  });
});
