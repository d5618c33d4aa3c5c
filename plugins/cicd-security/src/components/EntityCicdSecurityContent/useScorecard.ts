import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { Scorecard } from '@cicd-security/plugin-cicd-security-common';
import { cicdSecurityApiRef } from '../../api';

/** Polls give up after this many attempts (at 2 s, five minutes). */
const MAX_POLLS = 150;
/** A rescan that leaves the scan time unchanged is taken as done after this many polls. */
const UNCHANGED_POLLS = 3;

function statusCodeOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

export interface UseScorecardResult {
  loading: boolean;
  error?: Error;
  /** The backend knows no scorecard for the entity (404). */
  notFound: boolean;
  scorecard?: Scorecard;
  /** A scan is running or was asked for and has not finished. */
  scanning: boolean;
  /** The rescan request is in flight. */
  requesting: boolean;
  /** The user may not ask for rescans (the backend answered 403). */
  rescanForbidden: boolean;
  rescanError?: Error;
  rescan(): Promise<void>;
  /** Loads the scorecard again in the background (e.g. after a waiver changed the score). */
  reload(): Promise<void>;
}

/**
 * Loads an entity's scorecard, asks for rescans and polls while a scan runs.
 */
export function useScorecard(
  entityRef: string,
  pollIntervalMs: number,
): UseScorecardResult {
  const api = useApi(cicdSecurityApiRef);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error>();
  const [notFound, setNotFound] = useState(false);
  const [scorecard, setScorecard] = useState<Scorecard>();
  const [awaitingScan, setAwaitingScan] = useState(false);
  const [requesting, setRequesting] = useState(false);
  const [rescanForbidden, setRescanForbidden] = useState(false);
  const [rescanError, setRescanError] = useState<Error>();
  const [tick, setTick] = useState(0);
  const polls = useRef(0);
  const scannedAtBeforeRescan = useRef<string | undefined>();

  const load = useCallback(async (): Promise<Scorecard | undefined> => {
    try {
      const result = await api.getScorecard(entityRef);
      setScorecard(result);
      setNotFound(false);
      setError(undefined);
      return result;
    } catch (e) {
      if (statusCodeOf(e) === 404) {
        setNotFound(true);
        setError(undefined);
      } else {
        setError(e as Error);
      }
      return undefined;
    } finally {
      setLoading(false);
    }
  }, [api, entityRef]);

  useEffect(() => {
    setLoading(true);
    setScorecard(undefined);
    load();
  }, [load]);

  const scanning = awaitingScan || scorecard?.state === 'scanning';

  useEffect(() => {
    if (!scanning) {
      return undefined;
    }
    const timer = setTimeout(async () => {
      polls.current += 1;
      const result = await load();
      const done =
        polls.current >= MAX_POLLS ||
        (result !== undefined &&
          result.state !== 'scanning' &&
          result.state !== 'pending' &&
          (result.scannedAt !== scannedAtBeforeRescan.current ||
            result.state === 'error' ||
            polls.current >= UNCHANGED_POLLS)) ||
        (result === undefined && polls.current >= UNCHANGED_POLLS * 10);
      if (done) {
        setAwaitingScan(false);
        polls.current = 0;
      }
      setTick(t => t + 1);
    }, pollIntervalMs);
    return () => clearTimeout(timer);
  }, [scanning, tick, load, pollIntervalMs]);

  const rescan = useCallback(async () => {
    setRequesting(true);
    setRescanError(undefined);
    try {
      const response = await api.refreshScorecard(entityRef);
      scannedAtBeforeRescan.current = scorecard?.scannedAt;
      polls.current = 0;
      setScorecard(previous =>
        previous ? { ...previous, state: response.state } : previous,
      );
      setAwaitingScan(true);
    } catch (e) {
      if (statusCodeOf(e) === 403) {
        setRescanForbidden(true);
      } else {
        setRescanError(e as Error);
      }
    } finally {
      setRequesting(false);
    }
  }, [api, entityRef, scorecard?.scannedAt]);

  const reload = useCallback(async () => {
    await load();
  }, [load]);

  return {
    reload,
    loading,
    error,
    notFound,
    scorecard,
    scanning,
    requesting,
    rescanForbidden,
    rescanError,
    rescan,
  };
}
