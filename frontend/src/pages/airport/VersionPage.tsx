export default function VersionPage() {
  return <h1>VersionPage</h1>;
}
