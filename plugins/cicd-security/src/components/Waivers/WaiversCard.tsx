import { Fragment, useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  Waiver,
  WaiverScope,
} from '@cicd-security/plugin-cicd-security-common';
import {
  Box,
  Button,
  Chip,
  Collapse,
  IconButton,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
  makeStyles,
} from '@material-ui/core';
import KeyboardArrowDownIcon from '@material-ui/icons/KeyboardArrowDown';
import KeyboardArrowUpIcon from '@material-ui/icons/KeyboardArrowUp';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { cicdSecurityApiRef } from '../../api';
import { takePrefetched } from '../prefetch';
import { formatDateTime } from '../../utils';
import { RevokeDialog } from './RevokeDialog';
import { shortRef, useWaiverPermission, waiverState } from './waiverUtils';

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
    () => takePrefetched(api, 'listWaivers', { entityRef }),
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
