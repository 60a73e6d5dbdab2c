import { readFileSync } from 'node:fs';

/** One TypeScript block of README.md, as the compiler sees it. */
export interface ReadmeBlock {
  /** README line of the block's first code line (1-based). */
  line: number;
  /** The `##` section the block is in, as its heading reads. */
  section: string;
  /** File name from a first line such as `// app.module.ts`; any other block may import it by that name. */
  file?: string;
  /** Browser code, marked `<!-- readme: dom -->`: compiled with the DOM library instead of Node's types. */
  dom: boolean;
  /** Code from a `<!-- readme-prelude: … -->` comment, put before the block; kept out of view in README. */
  prelude: string;
  /** README line of that comment, where a fault in the prelude is reported. */
  preludeLine: number;
  code: string;
}

const FENCE = /^```(\S*)/;
const TYPESCRIPT = new Set(['ts', 'typescript']);
const FILE_NAME = /^\/\/ ([\w.-]+\.ts)\b/;
const ANNOTATION = /^<!--\s*(readme(?:-prelude)?):\s*([\s\S]*?)\s*-->$/;

/** Every ```ts and ```typescript block of a README, with the annotations in the comment lines right above it. */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^## (.+)/.exec(lines[i]);
    if (heading) section = heading[1].trim();
    const fence = FENCE.exec(lines[i]);
    if (!fence) continue;
    const end = lines.findIndex((line, j) => j > i && line.trimEnd() === '```');
    if (end < 0) throw new Error(`README.md:${i + 1}: the code block opened here is never closed`);
    if (TYPESCRIPT.has(fence[1])) blocks.push(block(lines, i, end, section));
    i = end;
  }
  return blocks;
}

export function readmeBlocksOf(path: string): ReadmeBlock[] {
  return readmeBlocks(readFileSync(path, 'utf8'));
}

function block(lines: string[], fence: number, end: number, section: string): ReadmeBlock {
  const code = lines.slice(fence + 1, end).join('\n');
  const result: ReadmeBlock = { line: fence + 2, section, dom: false, prelude: '', preludeLine: 0, code };
  result.file = FILE_NAME.exec(lines[fence + 1] ?? '')?.[1];
  for (let j = fence - 1; j >= 0; j--) {
    const annotation = ANNOTATION.exec(lines[j].trim());
    if (!annotation) break;
    const [, kind, text] = annotation;
    if (kind === 'readme-prelude') Object.assign(result, { prelude: text, preludeLine: j + 1 });
    else if (text === 'dom') result.dom = true;
    else throw new Error(`README.md:${j + 1}: unknown annotation "<!-- readme: ${text} -->" (known: dom, readme-prelude)`);
  }
  return result;
}
