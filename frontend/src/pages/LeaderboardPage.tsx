export default function LeaderboardPage() {
  return <h1>LeaderboardPage</h1>;
}
