import { useI18n } from '../i18n/context';
import { useConnectionState } from '../lib/graphql/ConnectionContext';

/** State of the real-time (graphql-ws) link, announced politely when it changes. */
export function ConnectionIndicator() {
  const { t } = useI18n();
  const state = useConnectionState();
  return (
    <div
      className={`connection connection-${state}`}
      role="status"
      aria-live="polite"
      aria-atomic="true"
      data-testid="connection-indicator"
      data-state={state}
    >
      <span className="connection-dot" aria-hidden="true" />
      <span className="visually-hidden">{t('connection.label')}: </span>
      <span data-testid="connection-indicator-text">{t(`connection.${state}`)}</span>
    </div>
  );
}
