import type { ComponentType } from "react";
import { createBrowserRouter, redirect, type RouteObject } from "react-router";
import { Layout } from "./components/Layout";
import MapPage from "./pages/MapPage";

/** A page loaded only when first visited (keeps the map's first load small). */
function page(load: () => Promise<{ default: ComponentType }>): Pick<RouteObject, "lazy"> {
  return { lazy: async () => ({ Component: (await load()).default }) };
}

export const routes: RouteObject[] = [
  { path: "/", Component: MapPage },
  // The original's address of the map, in old links and bookmarks, with its filters.
  { path: "/map", loader: ({ request }) => redirect(`/${new URL(request.url).search}`) },
  {
    Component: Layout,
    children: [
      { path: "/airports/:code", ...page(() => import("./pages/airport/AirportPage")) },
      { path: "/airports/:code/history", ...page(() => import("./pages/airport/HistoryPage")) },
      {
        path: "/airports/:code/versions/:versionId",
        ...page(() => import("./pages/airport/VersionPage")),
      },
      { path: "/search", ...page(() => import("./pages/SearchPage")) },
      { path: "/leaderboard", ...page(() => import("./pages/LeaderboardPage")) },
      { path: "/content-packs", ...page(() => import("./pages/ContentPacksPage")) },
      { path: "/users/:userId", ...page(() => import("./pages/ProfilePage")) },
      { path: "/about", ...page(() => import("./pages/AboutPage")) },
      { path: "/login", ...page(() => import("./pages/account/LoginPage")) },
      { path: "/signup", ...page(() => import("./pages/account/SignupPage")) },
      { path: "/confirm-email", ...page(() => import("./pages/account/ConfirmPage")) },
      { path: "/reset-password", ...page(() => import("./pages/account/ResetPasswordPage")) },
      { path: "/account", ...page(() => import("./pages/account/AccountPage")) },
      { path: "/admin/*", ...page(() => import("./pages/admin/AdminPage")) },
      { path: "*", ...page(() => import("./pages/NotFoundPage")) },
    ],
  },
];

export const router = createBrowserRouter(routes);
