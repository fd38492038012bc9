import { SeededRandom, hashString } from '../../lib/util/seeded-random';

const range = (count: number): number[] => Array.from({ length: count }, (_, index) => index);

// Every expected value below was printed by CPython 3.11's `random.Random(seed)`.
describe('SeededRandom', () => {
  it("reproduces Python's random() for seed 0", () => {
    expect(new SeededRandom(0).random()).toBe(0.8444218515250481);
  });

  it('seeds with the absolute value, as Python does', () => {
    expect(new SeededRandom(-5).random()).toBe(0.6229016948897019);
    expect(new SeededRandom(5).random()).toBe(0.6229016948897019);
  });

  it('seeds with seeds wider than 32 bits', () => {
    expect(new SeededRandom(2 ** 40 + 7).random()).toBe(0.6137037779936511);
  });

  it("reproduces Python's sample from a small population (pool method)", () => {
    expect(new SeededRandom(0).sample(range(10), 3)).toEqual([6, 9, 0]);
  });

  it("reproduces Python's sample from a large population (set method)", () => {
    expect(new SeededRandom(0).sample(range(100), 30)).toEqual([
      49, 97, 53, 5, 33, 65, 62, 51, 38, 61, 45, 74, 27, 64, 17, 36, 85, 12, 79, 32, 68, 77, 18, 39, 82, 9, 42, 60, 71, 75,
    ]);
  });

  it('continues one sequence across calls (BootstrapFewShot samples from the previous sample)', () => {
    const random = new SeededRandom(0);
    const first = random.sample(range(20), 16);
    expect(first).toEqual([12, 13, 1, 8, 15, 6, 19, 4, 7, 5, 9, 3, 2, 11, 17, 0]);
    expect(random.sample(first, 10)).toEqual([7, 17, 0, 3, 5, 1, 15, 13, 11, 19]);
  });

  it("reproduces Python's shuffle", () => {
    expect(new SeededRandom(0).shuffle(range(10))).toEqual([7, 8, 1, 5, 3, 4, 2, 0, 9, 6]);
  });

  it("reproduces Python's randint (random search's demo counts)", () => {
    expect(range(8).map((seed) => new SeededRandom(seed).randint(1, 4))).toEqual([4, 2, 1, 2, 2, 3, 1, 3]);
  });

  it("reproduces Python's choice", () => {
    const random = new SeededRandom(3);
    expect(range(6).map(() => random.choice(['a', 'b', 'c', 'd', 'e']))).toEqual(['b', 'e', 'e', 'b', 'c', 'e']);
  });

  it('draws even for a range of one, as Python does', () => {
    const random = new SeededRandom(1);
    expect([random.below(1), random.below(1), random.below(1)]).toEqual([0, 0, 0]);
    expect(random.random()).toBe(0.11791870367106105);
  });

  it('seeds from a string deterministically', () => {
    expect(new SeededRandom('demos').random()).toBe(new SeededRandom(hashString('demos')).random());
    expect(new SeededRandom('demos').random()).not.toBe(new SeededRandom('other').random());
  });

  it('rejects a fractional seed with OPTIMIZER_INVALID', () => {
    expect(() => new SeededRandom(1.5)).toThrow(expect.objectContaining({ code: 'OPTIMIZER_INVALID' }));
  });

  it('rejects a sample larger than the population with OPTIMIZER_INVALID', () => {
    expect(() => new SeededRandom(0).sample([1, 2], 3)).toThrow(expect.objectContaining({ code: 'OPTIMIZER_INVALID' }));
  });
});
