import { useEffect, useRef } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import {
  Content,
  EmptyState,
  Header,
  HeaderLabel,
  InfoCard,
  LinkButton,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { Box, Typography, makeStyles } from '@material-ui/core';
import ArrowBackIcon from '@material-ui/icons/ArrowBack';
import useAsync from 'react-use/esm/useAsync';
import { cicdSecurityApiRef } from '../../api';
import { useOptionalRouteRef } from '../../utils';

/** The path of the Security tab below an entity page, as the app mounts it. */
const SECURITY_TAB = 'security';

const useStyles = makeStyles(theme => ({
  code: {
    fontFamily: 'monospace',
    fontSize: '0.85rem',
    lineHeight: 1.5,
    overflowX: 'auto',
    margin: 0,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    backgroundColor: theme.palette.background.default,
  },
  table: {
    borderCollapse: 'collapse',
    width: '100%',
  },
  number: {
    width: '1%',
    padding: theme.spacing(0, 1.5),
    textAlign: 'right',
    color: theme.palette.text.secondary,
    userSelect: 'none',
    verticalAlign: 'top',
    whiteSpace: 'nowrap',
    borderRight: `1px solid ${theme.palette.divider}`,
  },
  text: {
    padding: theme.spacing(0, 1.5),
    whiteSpace: 'pre',
  },
  highlighted: {
    backgroundColor:
      theme.palette.type === 'dark'
        ? 'rgba(255, 213, 79, 0.18)'
        : 'rgba(255, 213, 79, 0.45)',
    '& td:first-child': {
      color: theme.palette.text.primary,
      fontWeight: theme.typography.fontWeightBold as number,
    },
  },
}));

function statusOf(error: Error | undefined): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

/** The backend's own reason (the JSON error body), else the error's message. */
function reasonOf(error: Error): string {
  const body = (error as { body?: { error?: { message?: unknown } } }).body;
  const message = body?.error?.message;
  return typeof message === 'string' && message ? message : error.message;
}

/** A positive line number from `?line=`, or undefined. */
function lineParam(raw: string | null): number | undefined {
  if (!raw || !/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n > 0 ? n : undefined;
}

/**
 * The read-only view of one file of an entity's `dir:` source
 * (`/cicd-security/source/:namespace/:kind/:name?path=<file>&line=<n>`):
 * the file with line numbers, secrets redacted by the backend, the requested
 * line highlighted and scrolled into view, and a link back to the entity's
 * Security tab.
 */
export function SourceViewPage() {
  const { namespace = 'default', kind = '', name = '' } = useParams();
  const [search] = useSearchParams();
  const path = search.get('path') ?? '';
  const line = lineParam(search.get('line'));
  const api = useApi(cicdSecurityApiRef);
  const classes = useStyles();
  const entityRef = `${kind}:${namespace}/${name}`.toLocaleLowerCase('en-US');
  const entityRoute = useOptionalRouteRef(entityRouteRef);
  const entityPath = entityRoute
    ? entityRoute({ namespace, kind, name })
    : `/catalog/${[namespace, kind, name].map(encodeURIComponent).join('/')}`;
  const securityTab = `${entityPath.replace(/\/$/, '')}/${SECURITY_TAB}`;
  const { value, loading, error } = useAsync(
    async () => (path ? api.getSourceFile(entityRef, path) : undefined),
    [api, entityRef, path],
  );
  const highlighted = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    highlighted.current?.scrollIntoView?.({ block: 'center' });
  }, [value, line]);

  const back = (
    <LinkButton
      to={securityTab}
      variant="outlined"
      color="primary"
      startIcon={<ArrowBackIcon />}
    >
      Back to the Security tab
    </LinkButton>
  );

  let content;
  if (!path) {
    content = (
      <EmptyState
        missing="content"
        title="No file given"
        description="The link names no file: it needs ?path=<file in the repository>."
        action={back}
      />
    );
  } else if (loading) {
    content = <Progress />;
  } else if (error && [400, 404, 409].includes(statusOf(error) ?? 0)) {
    content = (
      <EmptyState
        missing="content"
        title="This file cannot be shown"
        description={reasonOf(error)}
        action={back}
      />
    );
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (value) {
    const lines = value.content.split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    const outOfRange = line !== undefined && line > lines.length;
    content = (
      <InfoCard
        title={<span style={{ fontFamily: 'monospace' }}>{value.path}</span>}
        subheader={`${value.sourceLocation} · ${lines.length} line${
          lines.length === 1 ? '' : 's'
        }${line && !outOfRange ? ` · line ${line}` : ''}`}
      >
        <Box display="flex" flexWrap="wrap" mb={2} style={{ gap: 8 }}>
          {back}
        </Box>
        {value.redactions > 0 && (
          <Typography
            variant="body2"
            color="textSecondary"
            paragraph
            data-testid="source-redactions"
          >
            {value.redactions === 1
              ? 'One secret is redacted'
              : `${value.redactions} secrets are redacted`}{' '}
            in this view; the file itself still holds{' '}
            {value.redactions === 1 ? 'it' : 'them'}.
          </Typography>
        )}
        {outOfRange && (
          <Typography variant="body2" color="error" paragraph>
            Line {line} is past the end of the file ({lines.length} lines): the
            file changed since the scan.
          </Typography>
        )}
        <div className={classes.code}>
          <table
            className={classes.table}
            aria-label={`Source of ${value.path}`}
          >
            <tbody>
              {lines.map((text, i) => {
                const n = i + 1;
                const current = n === line;
                return (
                  <tr
                    key={n}
                    id={`L${n}`}
                    ref={current ? highlighted : undefined}
                    className={current ? classes.highlighted : undefined}
                    aria-current={current ? 'location' : undefined}
                    data-testid={current ? 'highlighted-line' : undefined}
                  >
                    <td className={classes.number}>{n}</td>
                    <td className={classes.text}>{text || ' '}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </InfoCard>
    );
  }

  return (
    <Page themeId="tool">
      <Header
        title={path || 'Source'}
        subtitle={`Read-only view of ${entityRef}'s source`}
        type="CI/CD Security"
      >
        <HeaderLabel
          label={
            kind ? kind[0].toLocaleUpperCase('en-US') + kind.slice(1) : 'Entity'
          }
          value={name}
        />
      </Header>
      <Content>{content}</Content>
    </Page>
  );
}
