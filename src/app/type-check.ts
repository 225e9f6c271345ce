/**
 * TypeScript's own checker over a --tc-module written in TypeScript, before it runs. tsx, which
 * runs it, only strips the types (esbuild), so without this a type error would show up as a
 * wrong value in the middle of a load test, or not at all.
 *
 * `typescript` is a devDependency, not a dependency (it is over 20 MB and most runs load no
 * TypeScript): where it cannot be imported the check is skipped, and a syntax error is still
 * caught, with its file and line, when tsx loads the module (see test-case-modules.ts).
 */
import { dirname, relative } from 'node:path';

type TypeScript = typeof import('typescript');

/**
 * What a module's own code should be checked with when no tsconfig.json is found above it:
 * what a current Node project writes (and what klayworker itself is built with).
 */
const DEFAULT_OPTIONS = {
  strict: true,
  target: 'ES2022',
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  esModuleInterop: true,
  skipLibCheck: true,
} as const;

/**
 * Checks `file` (absolute) and the local files it imports with the nearest tsconfig.json's
 * compiler options (or DEFAULT_OPTIONS). Resolves with the first error as one line
 * (`type error at path:line:col: message (TS2322)`, and how many more there are), or undefined
 * when there is none, or when typescript is not installed (see above).
 */
export async function typeCheck(file: string): Promise<string | undefined> {
  let ts: TypeScript;
  try {
    ts = (await import('typescript')).default;
  } catch {
    return undefined;
  }
  const options = compilerOptions(ts, file);
  const program = ts.createProgram([file], { ...options, noEmit: true, skipLibCheck: true, incremental: false, composite: false });
  // Declaration files are the libraries' business (skipLibCheck); diagnostics without a file are
  // about the set-up (a tsconfig naming a missing @types package), not about the module's code.
  const errors = ts
    .getPreEmitDiagnostics(program)
    .filter(
      (d) => d.category === ts.DiagnosticCategory.Error && d.file !== undefined && !d.file.isDeclarationFile && !d.file.fileName.includes('/node_modules/'),
    );
  const first = errors[0];
  if (first?.file === undefined || first.start === undefined) return undefined;
  const { line, character } = first.file.getLineAndCharacterOfPosition(first.start);
  const message = ts.flattenDiagnosticMessageText(first.messageText, '\n').split('\n')[0];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  // TypeScript numbers its syntax errors TS1xxx.
  const kind = first.code < 2000 ? 'syntax error' : 'type error';
  return `${kind} at ${shown(first.file.fileName)}:${line + 1}:${character + 1}: ${message} (TS${first.code})${more}`;
}

function compilerOptions(ts: TypeScript, file: string): import('typescript').CompilerOptions {
  const configPath = ts.findConfigFile(dirname(file), (f) => ts.sys.fileExists(f));
  if (configPath !== undefined) {
    const read = ts.readConfigFile(configPath, (f) => ts.sys.readFile(f));
    if (read.error === undefined) return ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configPath)).options;
  }
  return ts.convertCompilerOptionsFromJson(DEFAULT_OPTIONS, dirname(file)).options;
}

/** Relative to the working directory when inside it, as the user probably typed it. */
export function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}
