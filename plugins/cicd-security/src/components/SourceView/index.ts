export { SourceViewPage } from './SourceViewPage';
