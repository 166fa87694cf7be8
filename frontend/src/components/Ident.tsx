import { Fragment } from 'react';

/**
 * A username or an email: never broken inside a word. The browser may
 * wrap only before an "@" or after a "."; a part still too long for its
 * box ends with an ellipsis, and the full text is the title (issue 19.1).
 */
export function Ident({ text, testId }: { text: string; testId?: string }) {
  const parts = text.split(/(?=@)|(?<=\.)/);
  return (
    <span className="ident" title={text} data-testid={testId}>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </span>
  );
}
