import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, call, setCsrfToken } from "./client";
import { ApiError } from "./errors";
import type { Schemas, User } from "./types";
import { useWrite } from "./write";

export const accountKeys = {
  /** The signed-in user, or null for a visitor. */
  session: ["session"] as const,
  tokens: ["account", "tokens"] as const,
  confirmation: (token: string) => ["account", "confirmation", token] as const,
};

/** The signed-in user (null for a visitor), with the session's CSRF token kept for writes. */
export function useSession() {
  return useQuery({
    queryKey: accountKeys.session,
    queryFn: async () => {
      try {
        const session = await call(api.GET("/api/v1/sessions/current"));
        setCsrfToken(session.csrf_token);
        return session.user;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

export function isAdmin(user: User | null | undefined): boolean {
  return user?.role === "admin";
}

/** Signing in or out changes what the API answers (an administrator's buttons…): all of it is refreshed. */
function everything(client: QueryClient) {
  return client.invalidateQueries();
}

export function loginMutation(client: QueryClient) {
  return {
    mutationFn: (credentials: Schemas["Credentials"]) => call(api.POST("/api/v1/sessions", { body: credentials })),
    onSuccess: (answer: Schemas["SessionOut"]) => {
      setCsrfToken(answer.csrf_token);
      client.setQueryData(accountKeys.session, answer.user);
      return everything(client);
    },
  };
}

/** Log in with a password: keeps the CSRF token and the user. */
export function useLogin() {
  return useMutation(loginMutation(useQueryClient()));
}

function signedOut(client: QueryClient) {
  setCsrfToken(null);
  client.setQueryData(accountKeys.session, null);
  client.removeQueries({ queryKey: accountKeys.tokens });
  return everything(client);
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call(api.DELETE("/api/v1/sessions/current")),
    onSuccess: () => signedOut(client),
  });
}

/** Deletes the signed-in user's account, confirmed with the password. */
export function useDeleteAccount() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (password: string) => call(api.DELETE("/api/v1/users/me", { body: { current_password: password } })),
    onSuccess: () => signedOut(client),
  });
}

/** Changes the signed-in user's settings or password. */
export function useUpdateAccount() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (changes: Schemas["AccountChanges"]) => call(api.PATCH("/api/v1/users/me", { body: changes })),
    onSuccess: (user: User) => client.setQueryData(accountKeys.session, user),
  });
}

/** Signs up; the account is confirmed from the link mailed to it. */
export function useSignUp() {
  const write = useWrite();
  return useMutation({
    mutationFn: (registration: Schemas["Registration"]) =>
      write(() => call(api.POST("/api/v1/users", { body: registration }))),
  });
}

/** Mails the confirmation link again. */
export function useResendConfirmation() {
  const write = useWrite();
  return useMutation({
    mutationFn: (email: string) => write(() => call(api.POST("/api/v1/users/confirmation/resend", { body: { email } }))),
  });
}

/**
 * Confirms the address from the mailed link. A query keyed by the token sends the POST once,
 * even with StrictMode's double effects, and keeps the answer while the page is open.
 */
export function useEmailConfirmation(token: string) {
  const client = useQueryClient();
  const write = useWrite();
  return useQuery({
    queryKey: accountKeys.confirmation(token),
    queryFn: async () => {
      const user = await write(() => call(api.POST("/api/v1/users/confirmation", { body: { token } })));
      void client.invalidateQueries({ queryKey: accountKeys.session });
      return user;
    },
    retry: false,
    staleTime: Infinity,
    gcTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    refetchOnMount: false,
  });
}

/** Mails a link to set a new password. */
export function useRequestPasswordReset() {
  const write = useWrite();
  return useMutation({
    mutationFn: (email: string) => write(() => call(api.POST("/api/v1/users/password-reset", { body: { email } }))),
  });
}

/** Sets a new password with the mailed link's token. */
export function useResetPassword() {
  const write = useWrite();
  return useMutation({
    mutationFn: (reset: Schemas["PasswordReset"]) => write(() => call(api.POST("/api/v1/users/password", { body: reset }))),
  });
}

/** Records the answer of the one-time check (Turnstile) of a writer without an account. */
export function useVerify() {
  return useMutation({
    mutationFn: (token: string) => call(api.POST("/api/v1/users/verification", { body: { token } })),
  });
}

/** The signed-in user's API tokens. */
export function useTokens() {
  return useQuery({ queryKey: accountKeys.tokens, queryFn: () => call(api.GET("/api/v1/users/me/tokens")) });
}

export function useCreateToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (request: Schemas["TokenRequest"]) => call(api.POST("/api/v1/users/me/tokens", { body: request })),
    onSuccess: () => client.invalidateQueries({ queryKey: accountKeys.tokens }),
  });
}

export function useRevokeToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (tokenId: string) =>
      call(api.DELETE("/api/v1/users/me/tokens/{token_id}", { params: { path: { token_id: tokenId } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: accountKeys.tokens }),
  });
}
