import { expect, test } from '@playwright/test';
import { AppShell } from './pages/AppShell';
import { tenantRoots } from './support/fixtures';
import { mockGraphQL, mockGraphQLWebSocket } from './support/graphql';
import { saveScreenshot } from './support/screenshots';

// The WebSocket is mocked in the page (graphql-transport-ws handshake), so
// these run the same against vite preview and against the Go server. The
// tenants query is mocked too: an anonymous browser would be sent to /login.
test.describe('connection indicator', () => {
  test.beforeEach(async ({ page }) => {
    await mockGraphQL(page, { TenantRoots: () => tenantRoots([]), VisibleTenants: () => tenantRoots([]) });
  });

  test('shows connected after the graphql-ws handshake, reconnecting after a drop', async ({ page }) => {
    const sockets = await mockGraphQLWebSocket(page);
    const shell = new AppShell(page);
    await shell.goto('/tenants');

    await expect(shell.connectionIndicator).toHaveAttribute('data-state', 'connected');
    await expect(shell.connectionText).toHaveText('Connesso');
    await saveScreenshot(page, 'connection-connected');

    await sockets[0]?.close({ code: 1001, reason: 'Going away' });
    await expect(shell.connectionIndicator).toHaveAttribute('data-state', 'reconnecting');
    await expect(shell.connectionText).toHaveText('Riconnessione in corso…');
    // The client retries on its own (first retry after about a second).
    await expect(shell.connectionIndicator).toHaveAttribute('data-state', 'connected', { timeout: 10_000 });
  });

  test('the socket opens on /graphql of the page origin with graphql-transport-ws', async ({ page, baseURL }) => {
    // Record what the app passes to the WebSocket constructor (no mock here).
    await page.addInitScript(() => {
      const Native = window.WebSocket;
      const opened: Array<{ url: string; protocols: unknown }> = [];
      (window as unknown as { __sockets: typeof opened }).__sockets = opened;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          opened.push({ url: String(url), protocols });
        }
      };
    });
    const shell = new AppShell(page);
    await shell.goto('/tenants');
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __sockets: unknown[] }).__sockets.length))
      .toBeGreaterThan(0);
    const [first] = await page.evaluate(
      () => (window as unknown as { __sockets: Array<{ url: string; protocols: unknown }> }).__sockets,
    );
    const origin = new URL(baseURL ?? page.url());
    const url = new URL(first?.url ?? '');
    expect(url.protocol).toBe(origin.protocol === 'https:' ? 'wss:' : 'ws:');
    expect(url.host).toBe(origin.host);
    expect(url.pathname).toBe('/graphql');
    expect(first?.protocols).toBe('graphql-transport-ws');
  });

  test('shows offline when the browser goes offline', async ({ page, context }) => {
    await mockGraphQLWebSocket(page);
    const shell = new AppShell(page);
    await shell.goto('/tenants');
    await expect(shell.connectionIndicator).toHaveAttribute('data-state', 'connected');
    await context.setOffline(true);
    await expect(shell.connectionIndicator).toHaveAttribute('data-state', 'offline');
    await expect(shell.connectionText).toHaveText('Non in linea');
    await context.setOffline(false);
  });
});
