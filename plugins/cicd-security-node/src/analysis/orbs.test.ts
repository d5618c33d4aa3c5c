import { orbPinned } from './orbs';

describe('orbPinned', () => {
  it.each([
    ['circleci/node@5.2.0', 'circleci/node', '5.2.0', true],
    ['circleci/node@5', 'circleci/node', '5', false],
    ['circleci/node@5.2', 'circleci/node', '5.2', false],
    ['circleci/node@volatile', 'circleci/node', 'volatile', false],
    ['circleci/node@dev:alpha', 'circleci/node', 'dev:alpha', false],
    ['circleci/node', 'circleci/node', undefined, false],
  ])('%s', (value, name, version, pinned) => {
    expect(orbPinned(value)).toEqual({ name, version, pinned });
  });
});
