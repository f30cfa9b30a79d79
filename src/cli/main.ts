/**
 * Entry of `popm` (bin/popm.cjs runs its bundle) and `npm run --silent popm -- ...`: wires the
 * process's streams and environment to runCli. stdout carries only the report.
 */
import { runCli } from './run';

async function main(): Promise<void> {
  const code = await runCli(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdoutIsTTY: process.stdout.isTTY,
    stderrIsTTY: process.stderr.isTTY,
    ...(process.stdout.isTTY ? { columns: process.stdout.columns } : {}),
  });
  // exitCode (not exit()) lets a large report finish flushing to a pipe before the process ends.
  process.exitCode = code;
}

void main();
