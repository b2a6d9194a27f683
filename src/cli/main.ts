// lrscope CLI entry: dispatches `lrscope <command> ...` to src/cli/commands/<command>.ts.
import { runCli } from './run-cli';

const code = await runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
