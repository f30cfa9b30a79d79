/** Forge function `validator`: the "Requires PO acceptance" workflow validator. */
import { checkAcceptance, type ValidatorResult } from '../services/validator';
import { forgeDeps, invocationDeadline } from './deps';

export async function handler(args: unknown): Promise<ValidatorResult> {
  const deps = forgeDeps(invocationDeadline('validator'));
  try {
    return await checkAcceptance(deps, args);
  } catch (error) {
    // Fail closed: a validator that cannot check must not let an unaccepted story through.
    deps.log?.('validator could not check acceptance', {
      error: error instanceof Error ? error.message : String(error),
    });
    return {
      result: false,
      errorMessage: 'POPM Guard could not check the PO acceptance right now; try again.',
    };
  }
}
