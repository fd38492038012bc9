import { MemoryCheckpointStore } from '../../lib/runtime/memory-checkpoint-store';
import { describeCheckpointStoreContract } from '../helpers/checkpoint-store-contract';

describeCheckpointStoreContract('MemoryCheckpointStore', {
  create: (options) => new MemoryCheckpointStore(options),
  construct: (options) => new MemoryCheckpointStore(options as { keep?: number }),
});
