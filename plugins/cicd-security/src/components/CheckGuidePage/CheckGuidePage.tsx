import { useParams } from 'react-router-dom';
import {
  Content,
  EmptyState,
  Header,
  HeaderLabel,
  InfoCard,
  Link,
  LinkButton,
  MarkdownContent,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  categoryTitle,
  FrameworkRef,
  groupFrameworkRefs,
} from '@cicd-security/plugin-cicd-security-common';
import { Box, Grid, makeStyles, Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { cicdSecurityApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { useOptionalRouteRef } from '../../utils';
import { SeverityChip } from '../ScoreDisplay';

const useStyles = makeStyles({
  guide: {
    // MarkdownContent breaks table cells anywhere (`word-break: break-word`),
    // which splits words mid-word in narrow columns. Keep words whole and let
    // a wide table scroll sideways inside the card instead.
    '& table': {
      display: 'block',
      maxWidth: '100%',
      overflowX: 'auto',
    },
    '& td, & th': {
      wordBreak: 'normal',
      overflowWrap: 'normal',
      overflow: 'visible',
    },
  },
});

/**
 * The guide without its leading `# <id>: <title>` heading: the page header
 * already shows the title, and the id below it.
 */
function guideBody(markdown: string): string {
  return markdown.replace(/^\s*# [^\n]*\n*/, '');
}

/** The backend's answer for an id it has no check for. */
function isNotFound(error: Error | undefined): boolean {
  return (error as { statusCode?: number } | undefined)?.statusCode === 404;
}

/**
 * The frameworks a check maps to, from the check's metadata: each compliance
 * framework with the controls the check evidences (id, title, link), then the
 * peer scanners' rules that find the same problems.
 */
export function CheckFrameworks(props: { frameworks: FrameworkRef[] }) {
  const groups = groupFrameworkRefs(props.frameworks);
  if (groups.length === 0) return null;
  return (
    <Box mt={2} data-testid="framework-mapping">
      <Typography variant="subtitle2" component="h3" gutterBottom>
        Frameworks
      </Typography>
      {groups.map(g => (
        <Box
          key={g.framework}
          mb={1}
          data-testid={`framework-${g.framework}`}
          aria-label={g.title}
          role="group"
        >
          <Typography variant="body2">
            {g.url ? <Link to={g.url}>{g.title}</Link> : g.title}
            {g.version && (
              <Typography
                component="span"
                variant="caption"
                color="textSecondary"
              >
                {' '}
                {g.version}
              </Typography>
            )}
          </Typography>
          <ul style={{ margin: 0, paddingLeft: 20 }}>
            {g.controls.map(c => (
              <li key={c.id}>
                <Typography variant="body2" component="span">
                  {c.url ? <Link to={c.url}>{c.id}</Link> : <code>{c.id}</code>}
                  {c.title && ` ${c.title}`}
                </Typography>
              </li>
            ))}
          </ul>
        </Box>
      ))}
    </Box>
  );
}

/** A check's guide: what it looks for, why it matters and how to fix it. */
export function CheckGuidePage() {
  const { checkId = '' } = useParams();
  const api = useApi(cicdSecurityApiRef);
  const classes = useStyles();
  const root = useOptionalRouteRef(rootRouteRef);
  const rootPath = root ? root({}) : '/cicd-security';
  const { value, loading, error } = useAsync(
    () => api.getCheck(checkId),
    [api, checkId],
  );

  let content;
  if (loading) {
    content = <Progress />;
  } else if (isNotFound(error)) {
    content = (
      <EmptyState
        missing="content"
        title="No such check"
        description={`There is no check with the id '${checkId}'. It may have been renamed or removed, or the link is mistyped.`}
        action={
          <LinkButton
            variant="contained"
            color="primary"
            to={`${rootPath.replace(/\/$/, '')}/checks`}
          >
            All checks
          </LinkButton>
        }
      />
    );
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (value) {
    content = (
      <Grid container spacing={3}>
        <Grid item xs={12} md={8}>
          <InfoCard>
            {value.guide ? (
              <div data-testid="check-guide" className={classes.guide}>
                <MarkdownContent
                  content={guideBody(value.guide)}
                  dialect="gfm"
                />
              </div>
            ) : (
              <Typography>{value.description}</Typography>
            )}
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={4}>
          <InfoCard title="About this check">
            <Typography variant="body2" paragraph>
              {value.description}
            </Typography>
            <Box
              display="grid"
              style={{ gridTemplateColumns: 'auto 1fr', gap: 8 }}
            >
              <Typography variant="subtitle2">Id</Typography>
              <Typography variant="body2">
                <code>{value.id}</code>
              </Typography>
              <Typography variant="subtitle2">Severity</Typography>
              <span>
                <SeverityChip severity={value.severity} />
              </span>
              <Typography variant="subtitle2">Category</Typography>
              <Typography variant="body2">
                {categoryTitle(value.category)}
              </Typography>
              <Typography variant="subtitle2">Platforms</Typography>
              <Typography variant="body2">
                {value.platforms.join(', ')}
              </Typography>
              <Typography variant="subtitle2">Pass rate</Typography>
              <Typography variant="body2" data-testid="check-pass-rate">
                {value.passRate === null
                  ? 'Not applicable to any scanned component'
                  : `${Math.round(value.passRate * 100)}% (${
                      value.failing
                    } of ${value.applicable} failing)`}
              </Typography>
            </Box>
            <CheckFrameworks frameworks={value.frameworks} />
            {value.remediationUrl && (
              <Box mt={2}>
                <Link to={value.remediationUrl}>Further reading</Link>
              </Box>
            )}
          </InfoCard>
          <Box mt={3}>
            <InfoCard
              title="Components failing this check"
              deepLink={{
                title: 'All of them in the Components tab',
                link: `${rootPath.replace(
                  /\/$/,
                  '',
                )}/components?failingCheck=${encodeURIComponent(value.id)}`,
              }}
            >
              {(value.failingEntities ?? []).length === 0 ? (
                <Typography variant="body2" color="textSecondary">
                  No component fails this check.
                </Typography>
              ) : (
                <ul
                  style={{ margin: 0, paddingLeft: 20 }}
                  data-testid="guide-failing-components"
                >
                  {(value.failingEntities ?? []).slice(0, 10).map(e => (
                    <li key={e.entityRef}>
                      <EntityRefLink entityRef={e.entityRef} title={e.title} />{' '}
                      <Typography
                        component="span"
                        variant="caption"
                        color="textSecondary"
                      >
                        {e.findings} {e.findings === 1 ? 'finding' : 'findings'}
                      </Typography>
                    </li>
                  ))}
                </ul>
              )}
            </InfoCard>
          </Box>
        </Grid>
      </Grid>
    );
  }

  return (
    <Page themeId="tool">
      <Header
        title={value?.title ?? checkId}
        subtitle={value ? `Check guide · ${value.id}` : 'Check guide'}
        type="CI/CD Security"
        typeLink={rootPath}
      >
        {value && <HeaderLabel label="Severity" value={value.severity} />}
        {value && (
          <HeaderLabel label="Category" value={categoryTitle(value.category)} />
        )}
      </Header>
      <Content>{content}</Content>
    </Page>
  );
}
