export { Supervisor } from './supervisor';
export type { SupervisorOptions, SupervisorStatus, StopOptions } from './supervisor-options';
export type { ChildSpec, ChildInstance, Fallback, FallbackFunction, CheckpointPolicy, RateLimit } from './child-spec';
export type { RestartPolicy, ExitReason } from './restart-policy';
export type { RestartStrategy } from './restart-strategy';
export type { ModuleRef, ModuleRefOf, ModuleRefStatus, SupervisedCallOptions } from './module-ref';
export type { Registry, ChildSummary } from './registry';
export type {
  RegistryEvent,
  RegistryEventMap,
  RegistryEventType,
  RegistryListener,
  StartedEvent,
  CrashedEvent,
  RestartedEvent,
  SwappedEvent,
  StoppedEvent,
  EscalatedEvent,
  RecoveredEvent,
  CorruptedEvent,
  StopReason,
} from './registry-event';
export type { HotSwapOptions } from './hot-swap';
export type { Checkpoint, CheckpointStore, CheckpointLoadOptions } from './checkpoint-store';
export { MemoryCheckpointStore } from './memory-checkpoint-store';
export type { MemoryCheckpointStoreOptions } from './memory-checkpoint-store';
export { FileCheckpointStore } from './file-checkpoint-store';
export type { FileCheckpointStoreOptions } from './file-checkpoint-store';
export { RedisCheckpointStore } from './redis-checkpoint-store';
export type { RedisCheckpointStoreOptions } from './redis-checkpoint-store';
export type { RedisConnection } from './redis-connection';
export { RedisParameterStore } from './redis-parameter-store';
export { Cluster } from './cluster';
export type { RetireOptions } from './cluster';
export type { ClusterOptions } from './cluster-options';
export type { ClusterModuleRef, ClusterCallOptions } from './cluster-caller';
export type { ClusterServeSpec, ServeHandle } from './cluster-server';
export type { MigrateFunction } from './migrating-checkpoint-store';
export type { RedisParameterStoreOptions } from './redis-parameter-store';
export type { ChildMetrics, LatencyPercentiles } from './metrics';
export type { CallRecord, CallOutcome } from './execution-history';
export type { Clock, ClockTimer } from './clock';
export type { SupervisableModule } from './supervisable-module';
export type { ThreadStart } from './thread-start';
