import { isAsciiWordCode } from '../../lib/util/ascii-word';

describe('isAsciiWordCode', () => {
  it('is true exactly where /\\w/ matches an ASCII character', () => {
    for (let code = 0; code < 128; code += 1) expect([code, isAsciiWordCode(code)]).toEqual([code, /\w/.test(String.fromCharCode(code))]);
  });

  it('is false past ASCII and for no character (-1)', () => {
    expect([0xe9, 0x17f, 0x212a, -1].map(isAsciiWordCode)).toEqual([false, false, false, false]);
  });
});
