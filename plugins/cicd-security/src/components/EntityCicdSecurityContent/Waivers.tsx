import { FormEvent, Fragment, useState } from 'react';
import {
  Entity,
  RELATION_OWNED_BY,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  CheckResult,
  Waiver,
  WaiverScope,
  cicdSecurityWaiverManagePermission,
} from '@cicd-security/plugin-cicd-security-common';
import {
  Box,
  Button,
  Chip,
  Collapse,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  FormControl,
  FormControlLabel,
  FormHelperText,
  FormLabel,
  IconButton,
  Radio,
  RadioGroup,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
  makeStyles,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import KeyboardArrowDownIcon from '@material-ui/icons/KeyboardArrowDown';
import KeyboardArrowUpIcon from '@material-ui/icons/KeyboardArrowUp';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { cicdSecurityApiRef } from '../../api';
import { formatDateTime } from '../../utils';

/** Minimum length of a waiver reason. */
export const MIN_REASON_LENGTH = 10;
/** Default lifetime of a new waiver, in days. */
export const DEFAULT_WAIVER_DAYS = 90;

const useStyles = makeStyles(theme => ({
  history: {
    listStyle: 'none',
    margin: 0,
    padding: theme.spacing(1, 0),
  },
  historyItem: {
    padding: theme.spacing(0.5, 0),
  },
  muted: { color: theme.palette.text.secondary },
  noBorder: { '& > *': { borderBottom: 'unset' } },
  reason: { maxWidth: '28rem', overflowWrap: 'anywhere' },
  visuallyHidden: {
    border: 0,
    clip: 'rect(0 0 0 0)',
    height: 1,
    margin: -1,
    overflow: 'hidden',
    padding: 0,
    position: 'absolute',
    whiteSpace: 'nowrap',
    width: 1,
  },
}));

/** `YYYY-MM-DD` of a date in the user's time zone, as a date input holds it. */
export function toDateInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(
    date.getDate(),
  )}`;
}

function addDays(date: Date, days: number): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days);
}

function addYears(date: Date, years: number): Date {
  return new Date(date.getFullYear() + years, date.getMonth(), date.getDate());
}

/** The end of the chosen day in the user's time zone, as an ISO date-time. */
export function endOfDayIso(dateInput: string): string {
  const [year, month, day] = dateInput.split('-').map(Number);
  return new Date(year, month - 1, day, 23, 59, 59).toISOString();
}

/** The owner of an entity as a full entity ref, from its relations or `spec.owner`. */
export function entityOwnerRef(entity: Entity): string | undefined {
  const relation = entity.relations?.find(r => r.type === RELATION_OWNED_BY);
  if (relation) {
    return relation.targetRef;
  }
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || !owner) {
    return undefined;
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

/** `alice` for `user:default/alice`; the namespace is kept when not `default`. */
export function shortRef(ref: string): string {
  try {
    const { namespace, name } = parseEntityRef(ref);
    return namespace === 'default' ? name : `${namespace}/${name}`;
  } catch {
    return ref;
  }
}

function statusCodeOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

/** Whether the user may create or revoke waivers on the given entity. */
export function useWaiverPermission(resourceRef: string | undefined) {
  return usePermission({
    permission: cicdSecurityWaiverManagePermission,
    resourceRef,
  });
}

/** The waiver's state for display. */
export function waiverState(waiver: Waiver): 'active' | 'expired' | 'revoked' {
  if (waiver.revokedAt) {
    return 'revoked';
  }
  return waiver.active ? 'active' : 'expired';
}

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

/** Asks for an optional reason and revokes a waiver. */
function RevokeDialog({
  waiver,
  checkTitle,
  onClose,
  onRevoked,
}: {
  waiver?: Waiver;
  checkTitle: (checkId: string) => string;
  onClose(): void;
  onRevoked(waiver: Waiver): void;
}) {
  const api = useApi(cicdSecurityApiRef);
  const [reason, setReason] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();

  const close = () => {
    setReason('');
    setError(undefined);
    onClose();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!waiver || submitting) {
      return;
    }
    setSubmitting(true);
    setError(undefined);
    try {
      const revoked = await api.revokeWaiver(
        waiver.id,
        reason.trim() || undefined,
      );
      setSubmitting(false);
      setReason('');
      onRevoked(revoked);
    } catch (e) {
      setSubmitting(false);
      setError(
        statusCodeOf(e) === 403
          ? 'You are not allowed to revoke this waiver'
          : (e as Error).message || 'The waiver could not be revoked',
      );
    }
  };

  return (
    <Dialog
      open={Boolean(waiver)}
      onClose={close}
      aria-labelledby="revoke-dialog-title"
      maxWidth="sm"
      fullWidth
    >
      {waiver && (
        <form onSubmit={submit} noValidate data-testid="revoke-dialog">
          <DialogTitle id="revoke-dialog-title">
            Revoke the waiver of “{checkTitle(waiver.checkId)}”?
          </DialogTitle>
          <DialogContent>
            <DialogContentText>
              The check counts towards the score again from now on.
            </DialogContentText>
            {error && (
              <Box mb={2}>
                <Alert severity="error" data-testid="revoke-error">
                  {error}
                </Alert>
              </Box>
            )}
            <TextField
              id="revoke-reason"
              label="Reason (optional)"
              fullWidth
              multiline
              minRows={2}
              margin="normal"
              variant="outlined"
              value={reason}
              onChange={e => setReason(e.target.value)}
              helperText="Recorded in the waiver's audit history."
              inputProps={{ maxLength: 2000 }}
            />
          </DialogContent>
          <DialogActions>
            <Button onClick={close} disabled={submitting}>
              Cancel
            </Button>
            <Button
              type="submit"
              color="secondary"
              variant="contained"
              disabled={submitting}
            >
              {submitting ? 'Revoking…' : 'Revoke waiver'}
            </Button>
          </DialogActions>
        </form>
      )}
    </Dialog>
  );
}

function scopeRef(scope: WaiverScope): string {
  return scope.type === 'entity' ? scope.entityRef : scope.ownerRef;
}

function describeScope(scope: WaiverScope, entityRef: string): string {
  if (scope.type === 'owner') {
    return `Every component of ${shortRef(scope.ownerRef)}`;
  }
  return scope.entityRef === entityRef
    ? 'This component'
    : shortRef(scope.entityRef);
}

function StateChip({ waiver }: { waiver: Waiver }) {
  const state = waiverState(waiver);
  return (
    <Chip
      size="small"
      label={state}
      color={state === 'active' ? 'primary' : 'default'}
      variant={state === 'active' ? 'default' : 'outlined'}
      data-testid="waiver-state"
    />
  );
}

function RevokeButton({
  waiver,
  title,
  onRevoke,
}: {
  waiver: Waiver;
  title: string;
  onRevoke(waiver: Waiver): void;
}) {
  const permission = useWaiverPermission(scopeRef(waiver.scope));
  if (!permission.allowed) {
    return null;
  }
  return (
    <Button
      size="small"
      variant="outlined"
      onClick={() => onRevoke(waiver)}
      aria-label={`Revoke the waiver of ${title}`}
      data-testid={`revoke-waiver-${waiver.id}`}
    >
      Revoke
    </Button>
  );
}

function WaiverRow({
  waiver,
  entityRef,
  title,
  onRevoke,
}: {
  waiver: Waiver;
  entityRef: string;
  title: string;
  onRevoke(waiver: Waiver): void;
}) {
  const classes = useStyles();
  const [open, setOpen] = useState(false);
  const historyId = `waiver-history-${waiver.id}`;
  return (
    <Fragment>
      <TableRow className={classes.noBorder} data-testid="waiver-row">
        <TableCell padding="checkbox">
          <IconButton
            size="small"
            aria-label={
              open ? 'Hide the audit history' : 'Show the audit history'
            }
            aria-expanded={open}
            aria-controls={historyId}
            onClick={() => setOpen(o => !o)}
          >
            {open ? <KeyboardArrowUpIcon /> : <KeyboardArrowDownIcon />}
          </IconButton>
        </TableCell>
        <TableCell>{title}</TableCell>
        <TableCell>{describeScope(waiver.scope, entityRef)}</TableCell>
        <TableCell className={classes.reason}>{waiver.reason}</TableCell>
        <TableCell>
          {formatDateTime(waiver.revokedAt ?? waiver.expiresAt)}
          {waiver.revokedAt && (
            <Typography
              variant="caption"
              component="div"
              className={classes.muted}
            >
              revoked; was to expire {formatDateTime(waiver.expiresAt)}
            </Typography>
          )}
        </TableCell>
        <TableCell>
          {shortRef(waiver.createdBy)}
          <Typography
            variant="caption"
            component="div"
            className={classes.muted}
          >
            {formatDateTime(waiver.createdAt)}
          </Typography>
        </TableCell>
        <TableCell>
          <StateChip waiver={waiver} />
        </TableCell>
        <TableCell>
          {waiver.active && (
            <RevokeButton waiver={waiver} title={title} onRevoke={onRevoke} />
          )}
        </TableCell>
      </TableRow>
      <TableRow>
        <TableCell style={{ paddingBottom: 0, paddingTop: 0 }} colSpan={8}>
          <div id={historyId}>
            <Collapse in={open} timeout="auto" unmountOnExit>
              <ul className={classes.history} aria-label="Audit history">
                {waiver.history.map((event, index) => (
                  <li
                    key={`${event.at}-${index}`}
                    className={classes.historyItem}
                    data-testid="waiver-event"
                  >
                    <Typography variant="body2">
                      {formatDateTime(event.at)} ·{' '}
                      {event.action === 'created' ? 'Created' : 'Revoked'} by{' '}
                      {shortRef(event.actor)}
                      {event.reason ? `: ${event.reason}` : ''}
                    </Typography>
                  </li>
                ))}
                {waiver.history.length === 0 && (
                  <li className={classes.historyItem}>
                    <Typography variant="body2" className={classes.muted}>
                      No recorded events.
                    </Typography>
                  </li>
                )}
              </ul>
            </Collapse>
          </div>
        </TableCell>
      </TableRow>
    </Fragment>
  );
}

/** The entity's portal waivers, active and past, with their audit history. */
export function WaiversCard({
  entityRef,
  checkTitle,
  revision,
  onChanged,
}: {
  entityRef: string;
  checkTitle: (checkId: string) => string;
  /** Changes when the waivers must be loaded again. */
  revision?: number;
  /** Called after a waiver was revoked. */
  onChanged(): void;
}) {
  const classes = useStyles();
  const api = useApi(cicdSecurityApiRef);
  const alertApi = useApi(alertApiRef);
  const [revoking, setRevoking] = useState<Waiver>();
  const { value, error, loading, retry } = useAsyncRetry(
    () => api.listWaivers({ entityRef }),
    [api, entityRef, revision],
  );
  const waivers = [...(value?.items ?? [])].sort(
    (a, b) =>
      Number(b.active) - Number(a.active) ||
      b.createdAt.localeCompare(a.createdAt),
  );

  let body;
  if (loading && !value) {
    body = (
      <Typography variant="body2" color="textSecondary">
        Loading waivers…
      </Typography>
    );
  } else if (error) {
    body = (
      <Typography variant="body2" color="error">
        The waivers could not be loaded: {error.message}
      </Typography>
    );
  } else if (waivers.length === 0) {
    body = (
      <Typography variant="body2" color="textSecondary">
        No check of this component has been waived.
      </Typography>
    );
  } else {
    body = (
      <Box overflow="auto">
        <Table size="small" aria-label="Waivers">
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox">
                <span className={classes.visuallyHidden}>History</span>
              </TableCell>
              <TableCell>Check</TableCell>
              <TableCell>Scope</TableCell>
              <TableCell>Reason</TableCell>
              <TableCell>Expires</TableCell>
              <TableCell>Created</TableCell>
              <TableCell>State</TableCell>
              <TableCell>
                <span className={classes.visuallyHidden}>Actions</span>
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {waivers.map(waiver => (
              <WaiverRow
                key={waiver.id}
                waiver={waiver}
                entityRef={entityRef}
                title={checkTitle(waiver.checkId)}
                onRevoke={setRevoking}
              />
            ))}
          </TableBody>
        </Table>
      </Box>
    );
  }

  return (
    <InfoCard
      title="Waivers"
      subheader="Accepted risks recorded in the portal. A waived check stays visible but does not lower the score until the waiver expires or is revoked."
    >
      <div data-testid="waivers-card">{body}</div>
      <RevokeDialog
        waiver={revoking}
        checkTitle={checkTitle}
        onClose={() => setRevoking(undefined)}
        onRevoked={revoked => {
          setRevoking(undefined);
          alertApi.post({
            message: `Waiver of “${checkTitle(
              revoked.checkId,
            )}” revoked. The score is being updated.`,
            severity: 'success',
            display: 'transient',
          });
          retry();
          onChanged();
        }}
      />
    </InfoCard>
  );
}
