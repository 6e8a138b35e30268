export default function ConfirmPage() {
  return <h1>ConfirmPage</h1>;
}
