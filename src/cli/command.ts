/**
 * What every command module exports: the action commander runs. Its own module so that commands,
 * which main.ts loads lazily, never import main.ts back.
 */
import type { AppContext } from '../app/index.js';
import type { ExitCode } from './output.js';

export type CommandAction = (
  ctx: () => AppContext,
  options: Record<string, unknown>,
  args: string[],
) => Promise<ExitCode>;
