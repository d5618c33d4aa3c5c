export { EvidenceDownloadButton } from './EvidenceDownloadButton';
