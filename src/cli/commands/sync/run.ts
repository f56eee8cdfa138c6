// `argo sync create|get|update|delete KEY`: flag checks and the lines Argo prints for a limit.
import type { Command } from 'commander';
import type { SyncConfigType, SyncLimit, SyncLimitRef } from '../../../client/types.js';
import { namespaceOf, out, withClient } from '../../context.js';
import { FlagError } from '../../flags.js';
import type { SyncFlags } from './index.js';

type Verb = 'create' | 'get' | 'update' | 'delete';

/** The checks upstream makes before calling the server, with its messages. */
export function syncTypeOf(verb: Verb, o: SyncFlags): SyncConfigType {
  const missing = [
    ...(verb === 'create' || verb === 'update' ? (o.limit === undefined ? ['"limit"'] : []) : []),
    ...(o.type === undefined ? ['"type"'] : []),
  ];
  if (missing.length > 0) throw new FlagError(`required flag(s) ${missing.join(', ')} not set`);
  const type = (o.type ?? '').toUpperCase();
  if (type !== 'CONFIGMAP' && type !== 'DATABASE')
    throw new FlagError("--type must be either 'database' or 'configmap'");
  if (type === 'CONFIGMAP' && !o.cmName) throw new FlagError('--cm-name is required when type is configmap');
  return type;
}

export function printSyncLimit(l: SyncLimit): string {
  let text = `Key: ${l.key}\nType: ${l.type.toLowerCase()}\n`;
  if (l.type === 'CONFIGMAP') text += `ConfigMap Name: ${l.cmName ?? ''}\n`;
  return `${text}Namespace: ${l.namespace}\nLimit: ${l.limit}\n`;
}

export async function runSync(cmd: Command, verb: Verb, key: string, o: SyncFlags): Promise<void> {
  const type = syncTypeOf(verb, o);
  await withClient(
    cmd,
    async (client, g) => {
      const ref: SyncLimitRef = { namespace: namespaceOf(client, g), key, cmName: o.cmName, type };
      const wrap = async <T>(p: Promise<T>): Promise<T> => {
        try {
          return await p;
        } catch (err) {
          throw new Error(`failed to ${verb} sync limit: ${(err as Error).message}`);
        }
      };
      switch (verb) {
        case 'create':
          return out(
            `Sync limit created\n${printSyncLimit(await wrap(client.createSyncLimit({ ...ref, limit: o.limit ?? 0 })))}`,
          );
        case 'update':
          return out(
            `Sync limit updated\n${printSyncLimit(await wrap(client.updateSyncLimit({ ...ref, limit: o.limit ?? 0 })))}`,
          );
        case 'get':
          return out(printSyncLimit(await wrap(client.getSyncLimit(ref))));
        case 'delete':
          await wrap(client.deleteSyncLimit(ref));
          return out('Sync limit deleted\n');
      }
    },
    { engine: 'none' },
  );
}
