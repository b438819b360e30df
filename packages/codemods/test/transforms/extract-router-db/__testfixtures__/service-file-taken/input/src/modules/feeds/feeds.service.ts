// Helpers shared by the feed handlers; no class.
export function normalizedUrl(url: string): string {
  return url.trim().toLowerCase();
}
