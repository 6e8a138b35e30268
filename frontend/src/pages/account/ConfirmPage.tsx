import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useEmailConfirmation, useSession } from "../../api/account";
import { ErrorMessage, Loading } from "../../components/Layout";
import { usePageTitle } from "../../components/PageTitle";
import { ResendConfirmation } from "./shared";
import "../pages.css";

/** `/confirm-email?token=…`: the link of the confirmation mail. */
export default function ConfirmPage() {
  usePageTitle("Confirm your email address");
  const [params] = useSearchParams();
  const token = params.get("token")?.trim() ?? "";
  return (
    <div className="narrow">
      <h1>Confirm your email address</h1>
      {token ? <Confirmation token={token} /> : <NoToken />}
    </div>
  );
}

function Confirmation({ token }: { token: string }) {
  const session = useSession();
  const confirmation = useEmailConfirmation(token);

  if (confirmation.isPending) return <Loading what="Confirming your address…" />;
  if (confirmation.isError) {
    return (
      <div className="card">
        <ErrorMessage error={confirmation.error} />
        <p>Links are valid for a day and work once. Ask for a new one:</p>
        <ResendForm />
      </div>
    );
  }
  return (
    <div className="card" role="status">
      <h2>Your email address is confirmed</h2>
      <p>Thank you{confirmation.data.display_name ? `, ${confirmation.data.display_name}` : ""}.</p>
      {session.data ? (
        <p>
          <Link to="/">Go to the map</Link> or <Link to="/account">your account</Link>.
        </p>
      ) : (
        <p>
          You can now <Link to="/login">log in</Link>.
        </p>
      )}
    </div>
  );
}

function NoToken() {
  return (
    <div className="card">
      <p>
        This link has no confirmation code. Open the link from the mail we sent once more, or ask
        for a new one:
      </p>
      <ResendForm />
    </div>
  );
}

function ResendForm() {
  const [email, setEmail] = useState("");
  return (
    <>
      <label htmlFor="resend-email">Email</label>
      <input
        id="resend-email"
        type="email"
        autoComplete="email"
        value={email}
        onChange={(event) => setEmail(event.target.value)}
      />
      <div className="actions">
        <ResendConfirmation email={email.trim()} />
      </div>
    </>
  );
}
