export * from './fixtures';
export * from './calibration';
