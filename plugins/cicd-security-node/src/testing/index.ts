export * from './fixtures';
export * from './calibration';
export * from '../secrets/testing/plantedSecrets';
