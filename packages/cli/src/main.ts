// The `midigpt` command line. Each command lives in commands/; this file wires
// them into commander and turns errors into messages and exit codes.
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { isCoreError, RequestValidationError } from '@midigpt/core';
import { registerConvert } from './commands/convert.js';
import { registerDataset } from './commands/dataset.js';
import { registerGenerate } from './commands/generate.js';
import { registerInfill } from './commands/infill.js';
import { registerInspect } from './commands/inspect.js';
import { registerModels } from './commands/models.js';
import { registerRun } from './commands/run.js';
import { registerPlan } from './commands/plan.js';
import { registerScore } from './commands/score.js';
import { registerTokenize } from './commands/tokenize.js';
import { registerTrain } from './commands/train.js';
import { registerVocab } from './commands/vocab.js';
import { registerListen, registerServe, registerStudio } from '@midigpt/server/cli';
import { InvalidJsonError, UsageError } from './errors.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** Exit codes: 0 ok, 1 the input or the work failed, 2 the command line was wrong. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export function buildProgram(): Command {
  const program = new Command('midigpt')
    .description('MIDI-GPT for Node.js: read, inspect and generate multitrack MIDI')
    .version(version, '-v, --version', 'print the version')
    .option('--debug', 'show stack traces on errors')
    .showHelpAfterError('(run "midigpt --help" for usage)')
    .exitOverride();
  registerInfill(program);
  registerGenerate(program);
  registerRun(program);
  registerScore(program);
  registerTokenize(program);
  registerVocab(program);
  registerPlan(program);
  registerConvert(program);
  registerInspect(program);
  registerModels(program);
  registerDataset(program);
  registerTrain(program);
  registerServe(program);
  registerListen(program);
  registerStudio(program);
  return program;
}

function explain(error: unknown): { message: string; code: number } {
  if (error instanceof UsageError) return { message: error.message, code: EXIT.usage };
  if (error instanceof RequestValidationError)
    return { message: `invalid request:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`, code: EXIT.failure };
  if (isCoreError(error) || (error as { code?: unknown })?.code === 'INVALID_CHECKPOINT') return { message: (error as Error).message, code: EXIT.failure };
  const err = error as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return { message: `no such file: ${err.path}`, code: EXIT.failure };
  if (err?.code === 'EISDIR') return { message: `${err.path} is a folder, not a file`, code: EXIT.failure };
  if (err?.code === 'EACCES') return { message: `permission denied: ${err.path}`, code: EXIT.failure };
  if (error instanceof InvalidJsonError) return { message: error.message, code: EXIT.failure };
  return { message: error instanceof Error ? error.message : String(error), code: EXIT.failure };
}

/** A reader that stops early (`midigpt ... | head`) closes the pipe: finish quietly, as Unix tools do. */
function handleClosedStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    process.stderr.write(`midigpt: cannot write the output: ${error.message}\n`);
    process.exit(EXIT.failure);
  });
}

export async function main(argv: string[]): Promise<number> {
  handleClosedStdout();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const { message, code } = explain(error);
    process.stderr.write(`midigpt: ${message}\n`);
    if (argv.includes('--debug') && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return code;
  }
}
