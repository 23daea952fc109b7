/**
 * `k6-auth k6 <args>` (`npm run k6 -- <args>`): runs the provisioned k6 with the given arguments
 * and its exit code. A secret given with `-e` is refused (exit code 2, cli/secret-args.ts): the
 * shell and npm have echoed it. k6 inherits this process's environment, so
 * `CLIENT_SECRET=… npx k6-auth k6 run …` reaches __ENV. SIGINT and SIGTERM are passed on to k6,
 * which stops gracefully and still writes its summary.
 */
import { startK6 } from './k6-process.ts';
import { K6NotFoundError, provisionK6 } from './provision-k6.ts';
import { invokedAs, refuseSecretEnvArgs, SecretArgumentError } from './secret-args.ts';

/** The command's entry (cli/k6-auth.ts): k6's exit code; a known error is one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  try {
    refuseSecretEnvArgs(argv, invokedAs('k6', 'k6'));
    const { path } = await provisionK6();
    const k6 = startK6({
      k6: path,
      args: argv,
      stdin: 'inherit',
      signals: { SIGINT: 'pass', SIGTERM: 'pass' },
    });
    return (await k6.exited).exitCode;
  } catch (error) {
    if (!(error instanceof K6NotFoundError) && !(error instanceof SecretArgumentError)) throw error;
    process.stderr.write(`k6-auth-toolkit: ${error.message}\n`);
    return error instanceof SecretArgumentError ? error.exitCode : 1;
  }
}
