export default function AirportPage() {
  return <h1>AirportPage</h1>;
}
