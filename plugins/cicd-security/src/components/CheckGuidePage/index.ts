export { CheckGuidePage } from './CheckGuidePage';
