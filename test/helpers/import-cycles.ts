/**
 * Import cycles among a tree's own TypeScript and JavaScript files, type-only imports included:
 * a cycle of types costs a reader the same as one of values (which file comes first?), and k6's
 * loader and esbuild each order a value cycle their own way. Each cycle is listed once, as the
 * files in import order starting from the one that sorts first, relative to `root`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** `import … from './x'`, `export … from './x'`, `import './x'`, and `import('./x')`. */
const IMPORT =
  /(?:\b(?:import|export)\b[^'"`;]*?\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

const SOURCE = /\.(?:ts|mts|js|mjs)$/;

export function findImportCycles(root: string, dirs: readonly string[]): string[][] {
  const files = dirs.flatMap((dir) => listSources(resolve(root, dir)));
  const known = new Set(files);
  const edges = new Map(files.map((file) => [file, importsOf(file, known)]));
  const cycles = new Map<string, string[]>();
  const onStack: string[] = [];
  const done = new Set<string>();
  const visit = (file: string): void => {
    onStack.push(file);
    for (const next of edges.get(file) ?? []) {
      const at = onStack.indexOf(next);
      if (at >= 0) {
        const cycle = rotateToFirst(onStack.slice(at).map((path) => relative(root, path)));
        cycles.set(cycle.join(' -> '), cycle);
      } else if (!done.has(next)) {
        visit(next);
      }
    }
    onStack.pop();
    done.add(file);
  };
  for (const file of files) if (!done.has(file)) visit(file);
  return [...cycles.values()];
}

function listSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'node_modules' || entry.name === 'dist' ? [] : listSources(path);
    }
    return SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const text = readFileSync(file, 'utf8');
  const targets = [...text.matchAll(IMPORT)].flatMap((match) => {
    const target = resolve(dirname(file), match[1] as string);
    const found = [target, target.replace(/\.js$/, '.ts'), `${target}.ts`].find((path) =>
      known.has(path),
    );
    return found === undefined ? [] : [found];
  });
  return [...new Set(targets)];
}

function rotateToFirst(cycle: string[]): string[] {
  const first = cycle.indexOf([...cycle].sort()[0] as string);
  return [...cycle.slice(first), ...cycle.slice(0, first)];
}
