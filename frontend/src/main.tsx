import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { isClientError } from "./api/errors";
import { metaQuery } from "./api/meta";
import { VerificationProvider } from "./components/verification";
import { applyScheme, storedScheme } from "./lib/theme";
import { router } from "./routes";
import "./styles.css";

applyScheme(storedScheme());

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Client errors (404, 403…) will not change by asking again.
      retry: (count, error) => !isClientError(error) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

// Error monitoring only when the server names a Sentry DSN; the SDK is loaded on demand.
queryClient
  .fetchQuery(metaQuery)
  .then((meta) => {
    const dsn = meta.client.sentry_dsn;
    if (dsn) {
      void import("@sentry/browser").then((Sentry) =>
        Sentry.init({ dsn, tracesSampleRate: 0.05, environment: import.meta.env.MODE }),
      );
    }
  })
  .catch(() => undefined);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <VerificationProvider>
        <RouterProvider router={router} />
      </VerificationProvider>
    </QueryClientProvider>
  </StrictMode>,
);
