/**
 * Entry of `npm run --silent popm -- ...`: wires the process's streams and environment to runCli.
 * stdout carries only the report; everything else goes to stderr.
 */
import { runCli } from './run';

async function main(): Promise<void> {
  const code = await runCli(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY,
  });
  // exitCode (not exit()) lets a large report finish flushing to a pipe before the process ends.
  process.exitCode = code;
}

void main();
