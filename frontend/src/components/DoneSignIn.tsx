import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../i18n/context';

interface Props {
  /** `setup`, `invitation`, `reset`: names the test ids (`setup-done`, `setup-login-link`) and the heading's id. */
  name: string;
  title: string;
  body: string;
}

/**
 * Where a one-time link's page ends (first setup, invitation, password
 * reset): what was done, and the way to sign in. Focus moves to its heading.
 */
export function DoneSignIn({ name, title, body }: Props) {
  const { t } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section data-testid={`${name}-done`} aria-labelledby={`${name}-done-heading`}>
      <h1 id={`${name}-done-heading`} ref={heading} tabIndex={-1} data-testid="page-heading">
        {title}
      </h1>
      <div className="alert alert-success" role="status">
        <p>{body}</p>
      </div>
      <p>
        <Link to="/login" className="button" data-testid={`${name}-login-link`}>
          {t('setup.done.login')}
        </Link>
      </p>
    </section>
  );
}
