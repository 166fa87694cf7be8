import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests of the admin SPA in Debian's Chromium (never a downloaded
 * browser). Target: BASE_URL (the Go server serving the built SPA and
 * /graphql), else a `vite preview` of frontend/dist started here.
 */
const PREVIEW_URL = 'http://127.0.0.1:4173';
const baseURL = process.env.BASE_URL ?? PREVIEW_URL;
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!process.env.BASE_URL && !existsSync(fileURLToPath(new URL('./frontend/dist/index.html', import.meta.url)))) {
  throw new Error('frontend/dist is not built: run `npm run build` first, or set BASE_URL');
}

export default defineConfig({
  testDir: 'frontend/e2e',
  outputDir: 'test-results',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: process.env.CI ? 2 : undefined,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: process.env.CI
    ? [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]]
    : [['list']],
  use: {
    baseURL,
    browserName: 'chromium',
    // The browser's language decides the default interface language: pin it.
    locale: 'it-IT',
    timezoneId: 'Europe/Rome',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [
    // Creates the first platform administrator through the real /setup page
    // (needs the Go server and E2E_SETUP_TOKEN, see scripts/e2e.sh) and
    // stores its state in artifacts/e2e/ for the specs that come after it.
    { name: 'setup', testMatch: /.*\.setup\.ts/ },
    { name: 'chromium', dependencies: ['setup'], testIgnore: /.*\.setup\.ts/ },
  ],
  webServer: process.env.BASE_URL
    ? undefined
    : {
        command: 'npm run preview',
        url: PREVIEW_URL,
        reuseExistingServer: !process.env.CI,
        timeout: 30_000,
      },
});
