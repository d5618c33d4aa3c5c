export * from './sarif';
export * from './cyclonedx';
