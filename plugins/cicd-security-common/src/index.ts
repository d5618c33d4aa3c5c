/**
 * Types, categories and permissions shared by the cicd-security plugins.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './categories';
export * from './permissions';
export * from './api';
export * from './policies';
export * from './complianceResponse';
export * from './compliance';
