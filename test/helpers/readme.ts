/**
 * Reads the project's READMEs and docs/ pages the way a new user does: their sections, their code
 * blocks, and the shell commands those blocks show, so that tests can hold the docs to the code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './run-process.ts';

/** Every page of docs/, relative to the repository root, in name order. */
export const DOC_PAGES: readonly string[] = readdirSync(join(REPO_ROOT, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .sort()
  .map((name) => `docs/${name}`);

/**
 * Every README and docs page whose code blocks may show commands, relative to the repository
 * root: README.md first, then every page of docs/, then the READMEs beside the code.
 */
export const READMES: readonly string[] = [
  'README.md',
  ...DOC_PAGES,
  'profiles/README.md',
  'thresholds/README.md',
  'results/README.md',
  'bench/README.md',
  'server/README.md',
];

export interface CodeBlock {
  /** The fence's info string ("sh", "ts", "cron"); "" for none, "indented" for an indented block. */
  lang: string;
  text: string;
  /** 1-based line of the block's first content line. */
  line: number;
}

export interface ShellCommand {
  /** `README.md:15`: where the command is shown. */
  where: string;
  /** The block's language (see `CodeBlock.lang`): "cron" lines are schedules, not commands. */
  lang: string;
  /** The command as a user would paste it: continuation lines joined, the comment dropped. */
  command: string;
}

/** A README's (or docs page's) text. */
export function readReadme(file: string): string {
  return readFileSync(join(REPO_ROOT, file), 'utf8');
}

/** The text under `heading` (a line such as "## Exit codes"), up to the next heading of its level or higher. */
export function readmeSection(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`no heading "${heading}"`);
  const level = heading.indexOf(' ');
  const end = lines.findIndex(
    (line, i) => i > start && /^#+ /.test(line) && line.indexOf(' ') <= level,
  );
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

/** Fenced blocks (with their info string) and indented blocks (after a blank line, outside fences). */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const fence = /^```(.*)$/.exec(lines[i] ?? '');
    if (fence) {
      const end = lines.findIndex((line, j) => j > i && line.startsWith('```'));
      if (end === -1) throw new Error(`unclosed code fence at line ${i + 1}`);
      blocks.push({
        lang: (fence[1] ?? '').trim(),
        text: `${lines.slice(i + 1, end).join('\n')}\n`,
        line: i + 2,
      });
      i = end;
      continue;
    }
    if (/^ {4}\S/.test(lines[i] ?? '') && (lines[i - 1] ?? '') === '') {
      let end = i;
      while (/^ {4}/.test(lines[end + 1] ?? '')) end += 1;
      blocks.push({
        lang: 'indented',
        text: `${lines
          .slice(i, end + 1)
          .map((line) => line.slice(4))
          .join('\n')}\n`,
        line: i + 1,
      });
      i = end;
    }
  }
  return blocks;
}

/** Shell-like blocks; an unlabelled fence counts when its first line starts with a command. */
const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console', 'cron']);
const COMMAND_START = /^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:npm|npx|node|k6|mkdir|cd)\b/;

/**
 * The commands a README shows: every line of a `sh` (or `cron`) block and of an indented or
 * unlabelled block that starts like a command, with `\` continuations joined and `# comments`
 * (outside quotes) dropped. Cron blocks keep the whole schedule line.
 */
export function shellCommands(file: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  for (const block of codeBlocks(readReadme(file))) {
    const shell =
      SHELL_LANGS.has(block.lang) ||
      ((block.lang === '' || block.lang === 'indented') && COMMAND_START.test(block.text));
    if (!shell) continue;
    const lines = block.text.replace(/\n$/, '').split('\n');
    for (let i = 0; i < lines.length; i += 1) {
      const line = i;
      let text = lines[i] ?? '';
      while (text.endsWith('\\') && i + 1 < lines.length) {
        i += 1;
        text = `${text.slice(0, -1).trimEnd()} ${(lines[i] ?? '').trim()}`;
      }
      const command = dropComment(text).trim();
      if (command === '') continue;
      commands.push({ where: `${file}:${block.line + line}`, lang: block.lang, command });
    }
  }
  return commands;
}

/** Drops a `# comment` that starts outside quotes after whitespace (or at the start). */
function dropComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) {
      return line.slice(0, i);
    }
  }
  return line;
}
