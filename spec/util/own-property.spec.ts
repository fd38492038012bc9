import { assignOwnKey, setOwnProperty } from '../../lib/util/own-property';

describe('setOwnProperty', () => {
  it('makes "__proto__" an own, enumerable key and leaves the prototype alone', () => {
    const target: Record<string, unknown> = {};
    setOwnProperty(target, '__proto__', { isAdmin: true });
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(Object.keys(target)).toEqual(['__proto__']);
  });
});

describe('assignOwnKey', () => {
  it('assigns an ordinary key, so a setter the target has runs', () => {
    const seen: unknown[] = [];
    const target = {
      set answer(value: unknown) {
        seen.push(value);
      },
    };
    assignOwnKey(target, 'answer', 4);
    expect(seen).toEqual([4]);
  });

  it('keeps "__proto__" an own key, never a new prototype', () => {
    const target: Record<string, unknown> = {};
    assignOwnKey(target, '__proto__', { isAdmin: true });
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(target.isAdmin).toBeUndefined();
    expect(Object.keys(target)).toEqual(['__proto__']);
  });
});
