/**
 * Starts the browser's download of `url`. The server answers signed links with
 * `Content-Disposition: attachment`, so the page stays where it is. (A module of its own, so
 * that tests replace it: jsdom cannot navigate.)
 */
export function openDownload(url: string): void {
  window.location.assign(url);
}
