// A webhook delivery's state as a badge, with what the receiver answered in words beside or in
// the tooltip.
import { type DeliveryFacts, deliveryWords, summarizeDeliveries } from '@/lib/alerts/delivery-words';

export function DeliveryBadge({ delivery, showDetail = false }: { delivery: DeliveryFacts; showDetail?: boolean }) {
  const w = deliveryWords(delivery);
  return (
    <span className="row" style={{ gap: 6, display: 'inline-flex' }}>
      <span className={`badge ${w.tone}`} title={w.detail} data-testid="delivery-state" data-state={delivery.state}>
        {w.label}
      </span>
      {showDetail && <span className="muted">{w.detail}</span>}
    </span>
  );
}

/** An alert's notifications: one badge per event (raise, resolve). */
export function AlertDeliveries({ deliveries }: { deliveries: DeliveryFacts[] }) {
  const summary = summarizeDeliveries(deliveries);
  if (summary.length === 0) return <span className="muted" title="No webhook was set when this alert opened, or the quiet period held it back">not sent</span>;
  return (
    <span style={{ display: 'inline-flex', flexWrap: 'wrap', gap: 4 }} data-testid="alert-deliveries">
      {summary.map((s) => (
        <span key={s.event} className={`badge ${s.tone}`} title={s.detail}>
          {s.label}
        </span>
      ))}
    </span>
  );
}
