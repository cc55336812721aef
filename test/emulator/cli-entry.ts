// Stands in for the `outpost` CLI in the emulator's command tests: a Commander program
// with only the emulator command registered.
import { Command } from 'commander';
import { registerEmulatorCommand } from '../../emulator/index';

const program = new Command('outpost');
registerEmulatorCommand(program);
await program.parseAsync(process.argv);
