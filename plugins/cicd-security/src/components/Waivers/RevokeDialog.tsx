import { FormEvent, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { Waiver } from '@cicd-security/plugin-cicd-security-common';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  TextField,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { cicdSecurityApiRef } from '../../api';
import { statusCodeOf } from './waiverUtils';

/** Asks for an optional reason and revokes a waiver. */
export function RevokeDialog({
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
