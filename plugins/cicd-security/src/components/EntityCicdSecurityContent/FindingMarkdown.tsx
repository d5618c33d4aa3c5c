import { MarkdownContent } from '@backstage/core-components';
import { makeStyles } from '@material-ui/core';

/** http(s) addresses, ending before closing punctuation (as in `WithLinks`). */
const WEB_ADDRESS = /https?:\/\/[^\s<>"'`]+[^\s<>"'`.,;:!?)\]]/g;

/**
 * Parts of Markdown where a bare address must stay as it is: fenced code
 * blocks, code spans, `<…>` autolinks and the target of `[text](…)` links.
 */
const KEEP_AS_IS =
  /```[\s\S]*?(?:```|$)|`[^`\n]*`|<https?:\/\/[^>\s]*>|\[[^\]\n]*\]\([^)\s]*\)/g;

/**
 * Makes bare web addresses CommonMark autolinks (`<https://…>`), outside code
 * and existing links. The CommonMark dialect is used rather than GFM because
 * GFM lets HTML through to a sanitiser, which would drop text such as
 * `Allow <owner>` from a fix; CommonMark shows it as text.
 */
export function linkBareAddresses(markdown: string): string {
  let out = '';
  let last = 0;
  const link = (text: string) => text.replace(WEB_ADDRESS, '<$&>');
  for (const m of markdown.matchAll(KEEP_AS_IS)) {
    const start = m.index ?? 0;
    out += link(markdown.slice(last, start)) + m[0];
    last = start + m[0].length;
  }
  return out + link(markdown.slice(last));
}

const useStyles = makeStyles(theme => ({
  markdown: {
    ...theme.typography.body2,
    '& p': { margin: 0 },
    '& p + p, & ul, & ol, & pre': { marginTop: theme.spacing(0.5) },
    '& ul, & ol': { marginBottom: 0, paddingLeft: theme.spacing(3) },
    '& code': {
      fontFamily: 'monospace',
      fontSize: '0.85rem',
      padding: '0 3px',
      borderRadius: 3,
      backgroundColor: theme.palette.action.hover,
      wordBreak: 'break-word',
    },
    '& pre': {
      whiteSpace: 'pre-wrap',
      padding: theme.spacing(1),
      borderRadius: theme.shape.borderRadius,
      backgroundColor: theme.palette.background.default,
      border: `1px solid ${theme.palette.divider}`,
      marginBottom: 0,
    },
    '& pre code': { padding: 0, backgroundColor: 'transparent' },
  },
}));

/**
 * A suggested fix's text as Markdown: code spans, code blocks, links, lists
 * and emphasis, with bare web addresses as links. HTML in the text is shown
 * as text, never rendered.
 */
export function FindingMarkdown({ text }: { text: string }) {
  const classes = useStyles();
  return (
    <MarkdownContent
      className={classes.markdown}
      dialect="common-mark"
      content={linkBareAddresses(text)}
    />
  );
}
