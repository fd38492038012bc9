import 'reflect-metadata';

// Every test must assert something: a spec that asserts nothing cannot fail.
beforeEach(() => {
  expect.hasAssertions();
});
