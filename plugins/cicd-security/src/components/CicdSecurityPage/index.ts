export { CicdSecurityPage, CicdSecurityRouter } from './CicdSecurityPage';
