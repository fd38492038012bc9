import { runProgramDemo } from '../demo/demo-program';
import { main as runSupervisedDemo } from './runtime-demo';
import { main as runCompileStep } from './tutorial-compile';
import { main as runDeployStep } from './tutorial-deploy';

/** `npm run demo`: every part of dspex, offline unless a real model is configured. */
export async function main(options: { offline?: boolean } = {}): Promise<void> {
  console.log('=== dspex demo ===\n');
  await runProgramDemo(options);
  console.log('');
  await runSupervisedDemo();
  console.log('\n--- optimize: evaluate, compile with BootstrapFewShot, compare, then hot-swap it live ---');
  await runCompileStep();
  await runDeployStep();
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
