/** `popm --help` and `popm <command> --help`, written from the command table. */
import type { Command, FlagSpec } from './args';

export function globalHelp<Io>(commands: readonly Command<Io>[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `popm ${version}: who owns each level of your Jira hierarchy, and where that ownership breaks down.`,
    '',
    'Usage: popm <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  Show the options of a command: popm help ${commands[0]?.name ?? 'audit'}`,
    '',
    'Options:',
    "  -h, --help     Show this help; after a command, that command's.",
    '  -V, --version  Print the version.',
    '',
    'Examples:',
    ...commands.map((c) => `  ${c.examples[0] ?? `popm ${c.name}`}`),
    '',
    `Run popm <command> --help for its options, each with an example.`,
    '',
  ].join('\n');
}

function flagLines(flag: FlagSpec): string[] {
  const extra = [
    flag.choices ? `One of ${flag.choices.join(', ')}.` : undefined,
    flag.default !== undefined ? `Default: ${flag.default}.` : undefined,
    flag.env ? `Or set ${flag.env}.` : undefined,
  ].filter((x): x is string => x !== undefined);
  return [
    `  --${flag.name} ${flag.value}`,
    `      ${[flag.description, ...extra].join(' ')}`,
    `      e.g. ${flag.example}`,
  ];
}

export function commandHelp<Io>(command: Command<Io>): string {
  return [
    `popm ${command.name}: ${command.summary}`,
    '',
    `Usage: popm ${command.usage}`,
    '',
    'Options:',
    ...command.flags.flatMap(flagLines),
    '  -h, --help',
    '      Show this help.',
    '',
    'Examples:',
    ...command.examples.map((e) => `  ${e}`),
    ...(command.notes.length > 0 ? ['', ...command.notes] : []),
    '',
  ].join('\n');
}
