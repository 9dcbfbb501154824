export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** Subscribes to the server's event stream; `onOpen` runs on every (re)connection, so the page can resync. */
export function connectLive(
  url: string,
  handlers: Record<string, (data: unknown) => void>,
  onStatus: (status: LiveStatus) => void,
  onOpen: () => void,
): EventSource {
  const source = new EventSource(url);
  onStatus('connecting');
  source.onopen = () => {
    onStatus('live');
    onOpen();
  };
  // EventSource reconnects by itself while readyState is CONNECTING; CLOSED means it gave up (e.g. HTTP 500).
  source.onerror = () => onStatus(source.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting');
  for (const [type, handle] of Object.entries(handlers)) {
    source.addEventListener(type, (e) => {
      try {
        handle(JSON.parse((e as MessageEvent<string>).data));
      } catch (err) {
        console.error(`live event ${type}:`, err);
      }
    });
  }
  return source;
}
