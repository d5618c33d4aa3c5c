import { FormEvent, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  CheckResult,
  Waiver,
  WaiverScope,
} from '@cicd-security/plugin-cicd-security-common';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  FormControl,
  FormControlLabel,
  FormHelperText,
  FormLabel,
  Radio,
  RadioGroup,
  TextField,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { cicdSecurityApiRef } from '../../api';
import {
  DEFAULT_WAIVER_DAYS,
  MIN_REASON_LENGTH,
  addDays,
  addYears,
  endOfDayIso,
  shortRef,
  statusCodeOf,
  toDateInput,
  useWaiverPermission,
} from './waiverUtils';

function validateReason(reason: string): string | undefined {
  if (reason.trim().length < MIN_REASON_LENGTH) {
    return `Give a reason of at least ${MIN_REASON_LENGTH} characters`;
  }
  return undefined;
}

function validateExpiry(
  value: string,
  today: string,
  max: string,
): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return 'Pick an expiry date';
  }
  if (value <= today) {
    return 'Pick a date in the future';
  }
  if (value > max) {
    return `A waiver lasts at most one year: pick ${max} or earlier`;
  }
  return undefined;
}

/** Props of {@link WaiverDialog}. */
export interface WaiverDialogProps {
  /** The check to waive; the dialog is open while it is set. */
  check?: CheckResult;
  entityRef: string;
  /** The entity's owner; the owner scope is offered only when set. */
  ownerRef?: string;
  onClose(): void;
  /** Called after the waiver was created. */
  onCreated(waiver: Waiver): void;
}

/** Asks for the scope, reason and expiry of a new waiver and creates it. */
export function WaiverDialog(props: WaiverDialogProps) {
  const { check, onClose } = props;
  return (
    <Dialog
      open={Boolean(check)}
      onClose={onClose}
      aria-labelledby="waiver-dialog-title"
      maxWidth="sm"
      fullWidth
    >
      {check && <WaiverForm {...props} check={check} />}
    </Dialog>
  );
}

function WaiverForm({
  check,
  entityRef,
  ownerRef,
  onClose,
  onCreated,
}: WaiverDialogProps & { check: CheckResult }) {
  const api = useApi(cicdSecurityApiRef);
  const ownerPermission = useWaiverPermission(ownerRef);
  const [now] = useState(() => new Date());
  const today = toDateInput(now);
  const min = toDateInput(addDays(now, 1));
  const max = toDateInput(addYears(now, 1));
  const [scope, setScope] = useState<'entity' | 'owner'>('entity');
  const [reason, setReason] = useState('');
  const [expiry, setExpiry] = useState(
    toDateInput(addDays(now, DEFAULT_WAIVER_DAYS)),
  );
  const [touched, setTouched] = useState({ reason: false, expiry: false });
  const [submitted, setSubmitted] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();

  const reasonError = validateReason(reason);
  const expiryError = validateExpiry(expiry, today, max);
  const showReasonError = (touched.reason || submitted) && reasonError;
  const showExpiryError = (touched.expiry || submitted) && expiryError;
  const ownerAllowed = !ownerPermission.loading && ownerPermission.allowed;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (reasonError || expiryError || submitting) {
      return;
    }
    const waiverScope: WaiverScope =
      scope === 'owner' && ownerRef
        ? { type: 'owner', ownerRef }
        : { type: 'entity', entityRef };
    setSubmitting(true);
    setError(undefined);
    try {
      const waiver = await api.createWaiver({
        checkId: check.checkId,
        scope: waiverScope,
        reason: reason.trim(),
        expiresAt: endOfDayIso(expiry),
      });
      setSubmitting(false);
      onCreated(waiver);
    } catch (e) {
      setSubmitting(false);
      if (statusCodeOf(e) === 403) {
        setError(
          waiverScope.type === 'owner'
            ? `You are not allowed to waive checks for the components of ${shortRef(
                waiverScope.ownerRef,
              )}`
            : 'You are not allowed to waive checks for this component',
        );
      } else {
        setError((e as Error).message || 'The waiver could not be created');
      }
    }
  };

  return (
    <form onSubmit={submit} noValidate data-testid="waiver-dialog">
      <DialogTitle id="waiver-dialog-title">Waive “{check.title}”</DialogTitle>
      <DialogContent>
        <DialogContentText>
          The check stays visible on the scorecard, marked as waived, but stops
          lowering the score until the waiver expires or is revoked. Its
          findings are still reported.
        </DialogContentText>
        {error && (
          <Box mb={2}>
            <Alert severity="error" data-testid="waiver-error">
              {error}
            </Alert>
          </Box>
        )}
        <FormControl component="fieldset" margin="normal" fullWidth>
          <FormLabel component="legend">Applies to</FormLabel>
          <RadioGroup
            name="waiver-scope"
            value={scope}
            onChange={e => setScope(e.target.value as 'entity' | 'owner')}
          >
            <FormControlLabel
              value="entity"
              control={<Radio color="primary" />}
              label={`This component (${shortRef(entityRef)})`}
            />
            {ownerRef && (
              <FormControlLabel
                value="owner"
                control={<Radio color="primary" />}
                disabled={!ownerAllowed}
                label={`Every component owned by ${shortRef(ownerRef)}`}
              />
            )}
          </RadioGroup>
          {ownerRef && !ownerPermission.loading && !ownerPermission.allowed && (
            <FormHelperText>
              You are not allowed to waive checks for every component of{' '}
              {shortRef(ownerRef)}.
            </FormHelperText>
          )}
        </FormControl>
        <TextField
          id="waiver-reason"
          label="Reason"
          required
          fullWidth
          multiline
          minRows={3}
          margin="normal"
          variant="outlined"
          value={reason}
          onChange={e => setReason(e.target.value)}
          onBlur={() => setTouched(t => ({ ...t, reason: true }))}
          error={Boolean(showReasonError)}
          helperText={
            showReasonError ||
            `Why the risk is accepted and what will fix it (at least ${MIN_REASON_LENGTH} characters). Recorded in the audit history.`
          }
          inputProps={{ maxLength: 2000 }}
        />
        <TextField
          id="waiver-expiry"
          label="Expires on"
          type="date"
          required
          margin="normal"
          variant="outlined"
          value={expiry}
          onChange={e => {
            setExpiry(e.target.value);
            setTouched(t => ({ ...t, expiry: true }));
          }}
          onBlur={() => setTouched(t => ({ ...t, expiry: true }))}
          error={Boolean(showExpiryError)}
          helperText={
            showExpiryError ||
            `At most one year ahead (until ${max}). The waiver ends at the end of that day.`
          }
          InputLabelProps={{ shrink: true }}
          inputProps={{ min, max }}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={submitting}>
          Cancel
        </Button>
        <Button
          type="submit"
          color="primary"
          variant="contained"
          disabled={submitting}
        >
          {submitting ? 'Waiving…' : 'Waive check'}
        </Button>
      </DialogActions>
    </form>
  );
}
