export * from './sarif';
