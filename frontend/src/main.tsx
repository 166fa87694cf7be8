import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { Provider as UrqlProvider } from 'urql';
import { App } from './app/App';
import { ViewerProvider } from './app/viewer';
import { ErrorBoundary } from './components/ErrorBoundary';
import { createGraphqlClients } from './lib/graphql/client';
import { ConnectionContext } from './lib/graphql/ConnectionContext';
import './styles.css';

const { client, connection } = createGraphqlClients();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <ErrorBoundary
      fallback={
        <p role="alert" className="alert alert-error">
          Errore imprevisto · Erreur inattendue · Unexpected error
        </p>
      }
    >
      <UrqlProvider value={client}>
        <ConnectionContext.Provider value={connection}>
          <ViewerProvider>
            <BrowserRouter>
              <App />
            </BrowserRouter>
          </ViewerProvider>
        </ConnectionContext.Provider>
      </UrqlProvider>
    </ErrorBoundary>
  </StrictMode>,
);
