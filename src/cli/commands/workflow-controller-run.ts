// `argo workflow-controller` on this machine: the embedded engine in the foreground. Started
// detached by the CLI, it exits after a quiet spell (ARGO_TS_CONTROLLER_IDLE_EXIT_SECONDS).
import { IDLE_EXIT_ENV, spawnDetachedController } from '../../client/local/controller-process.js';
import { Engine } from '../../client/local/engine.js';
import { argoHome, openStore } from '../../store/index.js';

function log(msg: string): void {
  process.stdout.write(`time=${new Date().toISOString()} level=INFO msg=${JSON.stringify(msg)}\n`);
}

export async function runWorkflowController(_o: {
  managedNamespace?: string;
  namespaced?: boolean;
}): Promise<void> {
  const home = argoHome();
  const store = openStore();
  // Stopped (SIGTERM, idle), it leaves running containers to the next controller to adopt.
  const engine = new Engine(store, home, log, true);
  log(`starting workflow controller (home ${home}, pid ${process.pid})`);
  const idleSeconds = Number(process.env[IDLE_EXIT_ENV] ?? '0');
  let stopping = false;
  const stop = async (why: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log(`stopping: ${why}`);
    await engine.stop();
    // A workflow submitted while we were deciding to go saw our lease and started no controller:
    // now that the lease is free, leave a successor for it.
    const waiting = await store
      .list('Workflow', { labelSelector: 'workflows.argoproj.io/completed!=true' })
      .catch(() => ({ items: [] }));
    if (why.startsWith('idle') && waiting.items.length > 0) {
      log(`handing ${waiting.items.length} unfinished workflow(s) to a new controller`);
      spawnDetachedController(home);
    }
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  void engine.start().then(() => log('leading: controller and host runtime started'));
  // Keeps the process alive, and lets a detached controller go once it has had nothing to do.
  let idleSince = Date.now();
  setInterval(() => {
    // Waiting behind another leader counts as idle: that one is doing the work. Cron workflows
    // that will run again keep the controller up, as their schedules need it.
    if (engine.isLeader && (engine.activeWorkflowCount() > 0 || engine.scheduledCronCount() > 0)) {
      idleSince = Date.now();
      return;
    }
    if (idleSeconds > 0 && Date.now() - idleSince >= idleSeconds * 1000)
      void stop(`idle for ${idleSeconds}s`);
  }, 1000);
  await new Promise<never>(() => undefined);
}
