/** The airport on other pilots' sites, as the original Pirep links it, and in the ForeFlight app. */

export interface ExternalLink {
  label: string;
  href: string;
  /** Opens an app on the device rather than a web page. */
  app: boolean;
}

/**
 * Whether the device is an iPhone, iPod or iPad, where ForeFlight runs. An iPad asks for the
 * desktop site by default and names itself a Mac: a Mac with a touch screen is an iPad.
 */
export function isAppleMobile(userAgent: string, maxTouchPoints = 0): boolean {
  return /iPhone|iPad|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && maxTouchPoints > 1);
}

/**
 * SkyVector, AirNav and 100LL.com fuel prices for an airport, and "Open in ForeFlight" on iOS
 * and iPadOS. AirNav and 100LL.com know airports by their ICAO code when there is one.
 */
export function externalLinks(
  airport: { code: string; icao_code: string | null },
  appleMobile: boolean,
): ExternalLink[] {
  const code = encodeURIComponent(airport.code);
  const icao = encodeURIComponent(airport.icao_code || airport.code);
  const links: ExternalLink[] = [
    { label: "SkyVector", href: `https://skyvector.com/airport/${code}`, app: false },
    { label: "AirNav", href: `https://www.airnav.com/airport/${icao}`, app: false },
    {
      label: "Fuel prices (100LL.com)",
      href: `https://www.100ll.com/searchresults.php?searchfor=${icao}`,
      app: false,
    },
  ];
  if (appleMobile) {
    const href = `foreflightmobile://maps/search?q=APT@${code}`;
    links.push({ label: "Open in ForeFlight", href, app: true });
  }
  return links;
}
