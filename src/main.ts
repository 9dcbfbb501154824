/**
 * Entry point of the `gridloop` command. The composition root that wires the capabilities together is runtime.ts
 * (shared by the CLI and the tests); this file only hands the command line to the CLI.
 */
import { runCli } from './cli/program.ts';

await runCli(process.argv);
