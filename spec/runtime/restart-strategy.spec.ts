import { childrenToRestart, findDependencyCycle } from '../../lib/runtime/restart-strategy';
import { Supervisor } from '../../lib/runtime/supervisor';
import type { RestartStrategy } from '../../lib/runtime/restart-strategy';
import { ManualClock, settle, silentLogger, workerFactory } from '../helpers/runtime-support';

const child = (id: string, dependsOn: string[] = [], isActive = true) => ({ id, dependsOn, isActive });

describe('childrenToRestart', () => {
  const children = [child('a'), child('b'), child('c'), child('d')];

  it('picks only the exited child under one_for_one', () => {
    expect(childrenToRestart('one_for_one', 'b', children)).toEqual(['b']);
  });

  it('picks every active child under one_for_all, in start order', () => {
    expect(childrenToRestart('one_for_all', 'c', [...children.slice(0, 3), child('d', [], false)])).toEqual(['a', 'b', 'c']);
  });

  it('picks the exited child and those started after it under rest_for_one', () => {
    expect(childrenToRestart('rest_for_one', 'b', children)).toEqual(['b', 'c', 'd']);
  });

  it('adds dependents, transitively, under any strategy', () => {
    const tree = [child('retriever'), child('reader', ['retriever']), child('other'), child('answerer', ['reader'])];
    expect(childrenToRestart('one_for_one', 'retriever', tree)).toEqual(['retriever', 'reader', 'answerer']);
  });
});

describe('findDependencyCycle', () => {
  it('finds a self-dependency', () => {
    expect(findDependencyCycle('a', ['a'], () => [])).toEqual(['a', 'a']);
  });

  it('finds a longer cycle and accepts a tree', () => {
    const graph: Record<string, string[]> = { b: ['c'], c: ['a'] };
    expect(findDependencyCycle('a', ['b'], (id) => graph[id])).toEqual(['a', 'b', 'c', 'a']);
    expect(findDependencyCycle('a', ['b'], (id) => (id === 'b' ? ['c'] : []))).toBeUndefined();
  });
});

/** Starts children a..d, each from its own factory; returns how many instances each made. */
async function tree(strategy: RestartStrategy, dependsOn: Record<string, string[]> = {}) {
  const supervisor = new Supervisor({ strategy, logger: silentLogger, clock: new ManualClock() });
  const factories = Object.fromEntries(['a', 'b', 'c', 'd'].map((id) => [id, workerFactory()]));
  const restarted: string[] = [];
  supervisor.registry.on('restarted', (event) => restarted.push(event.id));
  for (const id of ['a', 'b', 'c', 'd']) await supervisor.startChild({ id, start: factories[id].start, dependsOn: dependsOn[id] });
  const instanceCounts = () => Object.fromEntries(Object.entries(factories).map(([id, factory]) => [id, factory.instances.length]));
  return { supervisor, restarted, instanceCounts };
}

describe('restart strategies through the supervisor', () => {
  it('one_for_one restarts exactly the crashed child', async () => {
    const { supervisor, restarted, instanceCounts } = await tree('one_for_one');
    await expect(supervisor.registry.lookup('b')!.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await settle();
    expect(restarted).toEqual(['b']);
    expect(instanceCounts()).toEqual({ a: 1, b: 2, c: 1, d: 1 });
  });

  it('one_for_all restarts every child, in start order', async () => {
    const { supervisor, restarted, instanceCounts } = await tree('one_for_all');
    await expect(supervisor.registry.lookup('c')!.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await settle();
    expect(restarted).toEqual(['a', 'b', 'c', 'd']);
    expect(instanceCounts()).toEqual({ a: 2, b: 2, c: 2, d: 2 });
  });

  it('rest_for_one restarts the crashed child and those started after it', async () => {
    const { supervisor, restarted, instanceCounts } = await tree('rest_for_one');
    await expect(supervisor.registry.lookup('b')!.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await settle();
    expect(restarted).toEqual(['b', 'c', 'd']);
    expect(instanceCounts()).toEqual({ a: 1, b: 2, c: 2, d: 2 });
  });

  it('restarts dependents after their dependency under one_for_one', async () => {
    const { supervisor, restarted, instanceCounts } = await tree('one_for_one', { c: ['a'], d: ['c'] });
    await expect(supervisor.registry.lookup('a')!.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await settle();
    expect(restarted).toEqual(['a', 'c', 'd']);
    expect(instanceCounts()).toEqual({ a: 2, b: 1, c: 2, d: 2 });
  });

  it('does not pull a terminated sibling into a one_for_all restart', async () => {
    const { supervisor, restarted, instanceCounts } = await tree('one_for_all');
    await supervisor.terminateChild('d');
    await expect(supervisor.registry.lookup('a')!.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await settle();
    expect(restarted).toEqual(['a', 'b', 'c']);
    expect(instanceCounts().d).toBe(1);
    expect(supervisor.registry.lookup('d')!.status).toBe('stopped');
  });

  it('stops a temporary sibling instead of restarting it under one_for_all', async () => {
    const supervisor = new Supervisor({ strategy: 'one_for_all', logger: silentLogger, clock: new ManualClock() });
    const permanent = await supervisor.startChild({ id: 'permanent', start: workerFactory().start });
    await supervisor.startChild({ id: 'temporary', start: workerFactory().start, restart: 'temporary' });
    await expect(permanent.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await settle();
    expect(supervisor.registry.list().map((row) => row.id)).toEqual(['permanent']);
  });
});
