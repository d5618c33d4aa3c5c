export {
  DEFAULT_WAIVER_DAYS,
  MIN_REASON_LENGTH,
  endOfDayIso,
  entityOwnerRef,
  shortRef,
  toDateInput,
  useWaiverPermission,
  waiverState,
} from './waiverUtils';
export { WaiverDialog } from './WaiverDialog';
export type { WaiverDialogProps } from './WaiverDialog';
export { RevokeDialog } from './RevokeDialog';
export { WaiversCard } from './WaiversCard';
export { WaiveButton } from './WaiveButton';
