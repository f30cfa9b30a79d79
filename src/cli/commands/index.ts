/**
 * Every `popm` command, in the order `popm --help` lists them. A new command is one file in this
 * folder (its flags, help and run, through defineCommand) and one row here.
 */
import type { Command } from '../args';
import type { CliContext } from '../context';
import { auditCommand } from './audit';
import { exportCommand } from './export';

export const COMMANDS: readonly Command<CliContext>[] = [auditCommand, exportCommand];
