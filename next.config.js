// Next.js serves the dashboard pages through lrscope's own HTTP server (src/server/start.ts);
// tRPC lives under /api/trpc on that same server, not in Next.
/** @type {import('next').NextConfig} */
const config = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `npm run typecheck` (tsc) checks the whole project; the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
  // The server is the custom one; there is no Next API route.
  devIndicators: false,
  experimental: {
    // The stylesheets (~15 kB) go in the page's <head>: its first paint waits for no request, so
    // the server-rendered content shows before the scripts have loaded and run.
    inlineCss: true,
  },
};

export default config;
